// Waiting for one multipart message with a deadline (ktrdr/net/frames.h moves the frames; this adds the
// poll the client needs for its timeouts).
#pragma once

#include <chrono>
#include <optional>

#include <zmq.hpp>

#include "ktrdr/proto/codec.h"

namespace ktrdr::client {

// Waits up to `timeout` for one whole multipart message. nullopt on timeout. Throws zmq::error_t (EINTR
// when a signal arrived: callers check their interrupt flag).
std::optional<proto::Frames> recv_frames_for(zmq::socket_t& socket, std::chrono::milliseconds timeout);

}  // namespace ktrdr::client
