#include "fleet_client.h"

#include <chrono>
#include <random>

#include "ktrdr/net/frames.h"

namespace ktrdr::python {
namespace {

using Clock = std::chrono::steady_clock;

// One whole multipart message within `timeout_ms`, else nullopt.
std::optional<proto::Frames> recv_for(zmq::socket_t& socket, int timeout_ms) {
  zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
  if (zmq::poll(&item, 1, std::chrono::milliseconds(timeout_ms)) == 0 || (item.revents & ZMQ_POLLIN) == 0)
    return std::nullopt;
  proto::Frames frames;
  if (!net::recv_frames(socket, frames)) return std::nullopt;
  return frames;
}

int ms_left(Clock::time_point deadline) {
  return static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
}

}  // namespace

FleetClient::FleetClient(std::string endpoint, int timeout_ms, int attempts)
    : endpoint_(std::move(endpoint)),
      timeout_ms_(timeout_ms),
      attempts_(attempts),
      next_request_id_(std::random_device{}() & 0xFFFFFFu) {
  KTRDR_REQUIRE(timeout_ms_ > 0, "timeout must be > 0 (got {} ms)", timeout_ms_);
  KTRDR_REQUIRE(attempts_ >= 1, "retries must be >= 0 (got {})", attempts_ - 1);
  reconnect();
}

void FleetClient::reconnect() {
  socket_ = std::make_unique<zmq::socket_t>(context_, zmq::socket_type::dealer);
  net::configure_socket(*socket_);
  try {
    socket_->connect(endpoint_);
  } catch (const zmq::error_t& e) {
    KTRDR_FAIL("cannot use broker endpoint '{}': {} (expected e.g. tcp://host:5555 or ipc:///path)",
               endpoint_, e.what());
  }
}

proto::Reply FleetClient::call_packed(proto::Command command, const std::string& body) {
  for (int attempt = 1; attempt <= attempts_; ++attempt) {
    const uint64_t request_id = ++next_request_id_;
    net::send_frames(*socket_, proto::encode_client(command, request_id, body));
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms_);
    for (int left = timeout_ms_; left > 0; left = ms_left(deadline)) {
      auto frames = recv_for(*socket_, left);
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
    if (attempt < attempts_) reconnect();  // Lazy Pirate: a fresh socket drops what the old one queued
  }
  throw BrokerUnreachable(fmt::format(
      "no reply from the broker at {} after {} attempt(s) of {} ms; is ktrdr-broker running there? (or raise "
      "the timeout)",
      endpoint_, attempts_, timeout_ms_));
}

ProgressSubscription::ProgressSubscription(zmq::context_t& context, const std::string& endpoint,
                                           const std::string& topic)
    : socket_(context, zmq::socket_type::sub) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(1u << 20));
  socket_.set(zmq::sockopt::subscribe, topic);
  try {
    socket_.connect(endpoint);
  } catch (const zmq::error_t& e) {
    KTRDR_FAIL("cannot use progress endpoint '{}': {} (expected e.g. tcp://host:5558)", endpoint, e.what());
  }
}

std::optional<std::variant<proto::Progress, proto::OpEvent>> ProgressSubscription::next(int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (int left = timeout_ms; left >= 0; left = ms_left(deadline)) {
    auto frames = recv_for(socket_, left);
    if (!frames) return std::nullopt;
    proto::PubMessage msg;
    if (!proto::decode_pub(*frames, msg).ok()) continue;
    if (msg.command == proto::Command::kProgress) {
      proto::Progress p;
      if (proto::unpack(msg.body, p).ok()) return p;
    } else if (msg.command == proto::Command::kOpEvent) {
      proto::OpEvent e;
      if (proto::unpack(msg.body, e).ok()) return e;
    }
  }
  return std::nullopt;
}

}  // namespace ktrdr::python
