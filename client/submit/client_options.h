// Options shared by every `ktrdr-submit` command: where the broker and the progress feed are, how long to
// wait for a reply, and whether to print JSON.
#pragma once

#include <cstdlib>
#include <string>

namespace ktrdr::cli {

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

  // Defaults from the environment (command-line options override them afterwards).
  static ClientOptions from_env() {
    ClientOptions o;
    if (const char* b = std::getenv(kBrokerEnv); b != nullptr && *b != '\0') o.broker = b;
    if (const char* p = std::getenv(kProgressEnv); p != nullptr && *p != '\0') o.progress = p;
    return o;
  }
};

}  // namespace ktrdr::cli
