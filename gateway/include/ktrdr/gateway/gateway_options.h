// What ktrdr-gateway listens on, which broker it talks to and how, and where the dashboard's files are.
// Filled by the program's command line (gateway/command_line.cpp) or by tests; validate() before use.
#pragma once

#include <cstddef>
#include <string>

namespace ktrdr::gateway {

// Default HTTP port: the reference backend's (clients of its REST API default to http://localhost:8000).
inline constexpr int kDefaultHttpPort = 8000;

struct GatewayOptions {
  std::string listen_host = "127.0.0.1";        // --listen: loopback unless told otherwise
  int port = kDefaultHttpPort;                  // --port; 0 = any free port (see port_file)
  std::string port_file;                        // --port-file: the bound port is written here once listening
  std::string broker = "tcp://127.0.0.1:5555";  // --broker: the broker's clients ROUTER
  std::string progress = "tcp://127.0.0.1:5558";  // --progress: the broker's progress-out XPUB
  int broker_timeout_ms = 2000;                   // --broker-timeout-ms: wait for one reply
  int broker_retries = 1;      // --broker-retries: Lazy Pirate resends after a silent timeout
  int broker_connections = 2;  // --broker-connections: DEALER sockets, one per broker thread
  int http_threads = 16;       // --http-threads: requests served at once (event streams hold one each)
  int max_event_streams = 8;   // --max-event-streams: open SSE streams at once (must be < http_threads)
  std::string web_root;        // --web-root: the dashboard's files; "" = found next to the binary
  std::size_t result_cache_bytes = 64u << 20;  // --result-cache-mb: finished results kept for the dashboard
  std::size_t summary_cache_entries = 4096;    // result summaries kept (for GET /operations/{id})

  // Throws ktrdr::Error naming the bad value and the fix.
  void validate() const;
};

}  // namespace ktrdr::gateway
