#include "ktrdr/client/progress_feed.h"

#include "ktrdr/client/frames_io.h"
#include "ktrdr/common/error.h"
#include "ktrdr/common/log.h"
#include "ktrdr/proto/codec.h"

namespace ktrdr::client {

ProgressFeed::ProgressFeed(zmq::context_t& context, const std::string& endpoint, const std::string& topic)
    : socket_(std::make_unique<zmq::socket_t>(context, zmq::socket_type::sub)) {
  socket_->set(zmq::sockopt::linger, 0);
  socket_->set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(1u << 20));
  socket_->set(zmq::sockopt::subscribe, topic);
  try {
    socket_->connect(endpoint);
  } catch (const zmq::error_t& e) {
    KTRDR_FAIL("cannot use progress endpoint '{}': {} (expected e.g. tcp://host:5558; set --progress or {})",
               endpoint, e.what(), "KTRDR_PROGRESS");
  }
}

std::optional<FeedEvent> ProgressFeed::next(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto frames = recv_frames_for(*socket_, std::max(left, std::chrono::milliseconds(0)));
    if (!frames) return std::nullopt;
    proto::PubMessage msg;
    FeedEvent ev;
    proto::Status s = proto::decode_pub(*frames, msg);
    if (s.ok()) {
      ev.command = msg.command;
      if (msg.command == proto::Command::kProgress) {
        s = proto::unpack(msg.body, ev.progress);
      } else if (msg.command == proto::Command::kOpEvent) {
        s = proto::unpack(msg.body, ev.event);
      } else {
        s = proto::Status::error(proto::ErrorCode::kUnknownCommand, "command {}",
                                 proto::to_string(msg.command));
      }
    }
    if (s.ok()) return ev;
    ++dropped_;
    log::debug("progress feed: dropped a message: {}", s.message);
    if (left.count() <= 0) return std::nullopt;
  }
}

}  // namespace ktrdr::client
