// ktrdr-gateway: the fleet's HTTP front door. A client of the broker over the ZeroMQ protocol (no state of
// its own besides caches of finished results): the reference's REST API (/api/v1/backtests/start,
// /api/v1/operations...), full results (trades, equity curve as JSON or CSV), live progress as Server-Sent
// Events bridged from the broker's progress feed, Prometheus /metrics, /health, and the web dashboard's
// static files.
//
// Threads: cpp-httplib's pool serves requests (options.http_threads; an event stream holds one thread while
// open, at most options.max_event_streams of them); no request thread touches a ZeroMQ socket. Broker
// requests go through BrokerPool (options.broker_connections threads, one DEALER each); the progress feed
// is read by FeedHub's thread (one SUB) and fanned out to the streams in-process.
#pragma once

#include <memory>
#include <string>

#include <zmq.hpp>

#include "ktrdr/gateway/gateway_options.h"

namespace ktrdr::gateway {

class Gateway {
 public:
  // Connects to the broker and its feed and binds the HTTP port (throws ktrdr::Error naming the address
  // when it cannot). `web_root` "" serves the API only.
  Gateway(zmq::context_t& context, const GatewayOptions& options, const std::string& web_root);
  ~Gateway();  // stop()
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  int port() const;  // the bound port (the chosen one when options.port was 0)
  // Serves on a background thread until stop(); returns once it accepts connections.
  void start();
  // Thread-safe; ends open event streams, waits for the serving thread.
  void stop();
  // False once the server has stopped (after stop(), or when serving failed).
  bool serving() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The dashboard's directory when --web-root is not given: the first existing of `<exe dir>/web` (build
// tree), `<exe dir>/../share/ktrdr/web` (an install, wherever its prefix) and `installed_default` (the
// configured install prefix's); "" when none exists.
std::string find_web_root(const std::string& installed_default);

}  // namespace ktrdr::gateway
