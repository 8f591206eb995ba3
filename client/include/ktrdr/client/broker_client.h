// Request/reply with the broker over a DEALER socket, Lazy Pirate style: each request waits at most
// `timeout_ms` for its reply; on silence the socket is closed and reopened and the request resent, up to
// `attempts` times, then BrokerUnreachable is thrown. Never blocks forever.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <zmq.hpp>

#include "ktrdr/client/client_options.h"
#include "ktrdr/common/error.h"
#include "ktrdr/proto/codec.h"

namespace ktrdr::client {

// No reply within the time budget (exit code 6).
class BrokerUnreachable : public ktrdr::Error {
 public:
  using ktrdr::Error::Error;
};

class BrokerClient {
 public:
  BrokerClient(zmq::context_t& context, const ClientOptions& options);

  // Sends `body` as `command` and returns the broker's Reply (whatever its code). Throws BrokerUnreachable
  // after the last attempt, ktrdr::Error when the reply cannot be decoded.
  template <typename Request>
  proto::Reply call(proto::Command command, const Request& body) {
    return call_packed(command, proto::pack(body));
  }
  proto::Reply call_packed(proto::Command command, const std::string& body);

  const std::string& endpoint() const { return endpoint_; }

 private:
  void reconnect();

  zmq::context_t& context_;
  std::string endpoint_;
  int timeout_ms_;
  int attempts_;
  std::string unreachable_hint_;
  uint64_t next_request_id_;
  std::unique_ptr<zmq::socket_t> socket_;
};

}  // namespace ktrdr::client
