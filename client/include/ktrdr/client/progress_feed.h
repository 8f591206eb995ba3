// The broker's progress feed (XPUB "progress-out") seen from a SUB socket: worker Progress snapshots and the
// broker's OpEvents (state changes), filtered by operation id. Malformed messages are dropped.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <zmq.hpp>

#include "ktrdr/proto/messages.h"

namespace ktrdr::client {

struct FeedEvent {
  proto::Command command = proto::Command::kProgress;  // kProgress or kOpEvent
  proto::Progress progress;                            // when kProgress
  proto::OpEvent event;                                // when kOpEvent
  const std::string& op_id() const {
    return command == proto::Command::kProgress ? progress.op_id : event.op_id;
  }
};

class ProgressFeed {
 public:
  // `topic` = one operation id, or "" for every operation.
  ProgressFeed(zmq::context_t& context, const std::string& endpoint, const std::string& topic);

  // Waits up to `timeout` for the next well-formed event. nullopt on timeout. Throws zmq::error_t with
  // EINTR when a signal interrupts the wait.
  std::optional<FeedEvent> next(std::chrono::milliseconds timeout);

  uint64_t dropped() const { return dropped_; }

 private:
  std::unique_ptr<zmq::socket_t> socket_;
  uint64_t dropped_ = 0;
};

}  // namespace ktrdr::client
