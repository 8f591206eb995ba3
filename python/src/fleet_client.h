// The Python module's fleet client, on the protocol as defined once in ktrdr/proto (messages.h, codec.h):
// requests to the broker's client ROUTER over one DEALER, Lazy Pirate style (each request waits at most
// `timeout_ms` for its reply; on silence the socket is reopened and the request resent, `attempts` times in
// all, then BrokerUnreachable), and the broker's progress feed (XPUB) over a SUB socket.
// ktrdr-submit has its own copy of this (client/submit/broker_client.*, progress_feed.*) until the shared
// ktrdr_client library lands; then both use that.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include <zmq.hpp>

#include "ktrdr/common/error.h"
#include "ktrdr/proto/codec.h"

namespace ktrdr::python {

// No reply within the time budget.
class BrokerUnreachable : public ktrdr::Error {
 public:
  using ktrdr::Error::Error;
};

class FleetClient {
 public:
  FleetClient(std::string endpoint, int timeout_ms, int attempts);

  // Sends `body` as `command`; returns the broker's Reply whatever its code. Throws BrokerUnreachable after
  // the last attempt, ktrdr::Error when the reply cannot be decoded.
  template <typename Request>
  proto::Reply call(proto::Command command, const Request& body) {
    return call_packed(command, proto::pack(body));
  }
  const std::string& endpoint() const { return endpoint_; }
  zmq::context_t& context() { return context_; }

 private:
  proto::Reply call_packed(proto::Command command, const std::string& body);
  void reconnect();

  zmq::context_t context_;  // this client's sockets and its subscriptions'
  std::string endpoint_;
  int timeout_ms_;
  int attempts_;
  uint64_t next_request_id_;
  std::unique_ptr<zmq::socket_t> socket_;
};

// One operation's events on the broker's progress feed (topic = op id; "" = every operation), on the
// client's context (which must outlive it).
class ProgressSubscription {
 public:
  ProgressSubscription(zmq::context_t& context, const std::string& endpoint, const std::string& topic);
  // The next well-formed Progress or OpEvent within `timeout_ms`, else nullopt. Malformed messages are
  // dropped.
  std::optional<std::variant<proto::Progress, proto::OpEvent>> next(int timeout_ms);

 private:
  zmq::socket_t socket_;
};

}  // namespace ktrdr::python
