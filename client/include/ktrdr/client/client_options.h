// Where a client of the fleet finds the broker and its progress feed, how long it waits for a reply and how
// often it retries (ktrdr-submit's global options, ktrdr-gateway's broker link); `json` is ktrdr-submit's
// --json.
#pragma once

#include <cstdlib>
#include <string>

namespace ktrdr::client {

// Built-in defaults; they match conf/ktrdr-broker.conf (clients ROUTER and progress-out XPUB on loopback:
// ktrdr/broker/broker.h BrokerOptions).
inline constexpr const char* kDefaultBrokerEndpoint = "tcp://127.0.0.1:5555";
inline constexpr const char* kDefaultProgressEndpoint = "tcp://127.0.0.1:5558";
inline constexpr const char* kBrokerEnv = "KTRDR_BROKER";
inline constexpr const char* kProgressEnv = "KTRDR_PROGRESS";

struct ClientOptions {
  std::string broker = kDefaultBrokerEndpoint;      // --broker, env KTRDR_BROKER
  std::string progress = kDefaultProgressEndpoint;  // --progress, env KTRDR_PROGRESS
  int timeout_ms = 2500;                            // --timeout-ms: wait for one reply
  int attempts = 3;                                 // --retries + 1: Lazy Pirate attempts per request
  bool json = false;                                // --json
  // The fix an "unreachable" error suggests, in the words of the program's own options.
  std::string unreachable_hint = "set --broker or KTRDR_BROKER, or raise --timeout-ms";

  // Defaults from the environment (command-line options override them afterwards).
  static ClientOptions from_env() {
    ClientOptions o;
    if (const char* b = std::getenv(kBrokerEnv); b != nullptr && *b != '\0') o.broker = b;
    if (const char* p = std::getenv(kProgressEnv); p != nullptr && *p != '\0') o.progress = p;
    return o;
  }
};

}  // namespace ktrdr::client
