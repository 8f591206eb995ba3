#include "ktrdr/client/broker_client.h"

#include <chrono>
#include <random>

#include "ktrdr/client/frames_io.h"
#include "ktrdr/common/log.h"
#include "ktrdr/net/frames.h"

namespace ktrdr::client {

BrokerClient::BrokerClient(zmq::context_t& context, const ClientOptions& options)
    : context_(context),
      endpoint_(options.broker),
      timeout_ms_(options.timeout_ms),
      attempts_(options.attempts < 1 ? 1 : options.attempts),
      unreachable_hint_(options.unreachable_hint),
      next_request_id_(std::random_device{}() & 0xFFFFFFu) {
  reconnect();
}

void BrokerClient::reconnect() {
  socket_ = std::make_unique<zmq::socket_t>(context_, zmq::socket_type::dealer);
  net::configure_socket(*socket_);
  try {
    socket_->connect(endpoint_);
  } catch (const zmq::error_t& e) {
    KTRDR_FAIL("cannot use broker endpoint '{}': {} (expected e.g. tcp://host:5555 or ipc:///path)",
               endpoint_, e.what());
  }
}

proto::Reply BrokerClient::call_packed(proto::Command command, const std::string& body) {
  for (int attempt = 1; attempt <= attempts_; ++attempt) {
    const uint64_t request_id = ++next_request_id_;
    net::send_frames(*socket_, proto::encode_client(command, request_id, body));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
    while (true) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      auto frames = recv_frames_for(*socket_, left);
      if (!frames) break;
      proto::ClientMessage msg;
      const proto::Status decoded = proto::decode_client(*frames, msg);
      if (msg.request_id != request_id) continue;  // a late reply to an earlier attempt
      KTRDR_REQUIRE(decoded.ok(), "the broker at {} sent an unreadable reply: {}", endpoint_,
                    decoded.message);
      KTRDR_REQUIRE(msg.command == proto::Command::kReply, "the broker at {} answered with command {}",
                    endpoint_, proto::to_string(msg.command));
      proto::Reply reply;
      const proto::Status unpacked = proto::unpack(msg.body, reply);
      KTRDR_REQUIRE(unpacked.ok(), "the broker at {} sent an unreadable reply body: {}", endpoint_,
                    unpacked.message);
      return reply;
    }
    if (attempt < attempts_) {
      log::debug("no reply from {} within {} ms (attempt {}/{}), reconnecting", endpoint_, timeout_ms_,
                 attempt, attempts_);
      reconnect();  // Lazy Pirate: a fresh socket drops whatever the old one had queued
    }
  }
  throw BrokerUnreachable(
      fmt::format("no reply from the broker at {} after {} attempt(s) of {} ms; is ktrdr-broker "
                  "running? ({})",
                  endpoint_, attempts_, timeout_ms_, unreachable_hint_));
}

}  // namespace ktrdr::client
