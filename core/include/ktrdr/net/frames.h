// Moving protocol frames (ktrdr/proto/codec.h) over ZeroMQ sockets. zmq types are only forward-declared:
// callers that own sockets include <zmq.hpp> themselves.
#pragma once

#include <cstddef>
#include <string>

#include "ktrdr/proto/codec.h"

namespace zmq {
class socket_t;
}

namespace ktrdr::net {

// Sends all frames as one multipart message. Returns false when the message could not be queued
// (ROUTER peer gone with ROUTER_MANDATORY, or would block with dontwait).
bool send_frames(zmq::socket_t& socket, const proto::Frames& frames, bool dontwait = false);
// Sends [routing_id] + frames on a ROUTER.
bool send_routed(zmq::socket_t& socket, const std::string& routing_id, const proto::Frames& frames);
// Receives one whole multipart message (without waiting). Returns false when none is queued.
// Messages with more than max_frames frames are received completely and then reported with
// `frames.size() > max_frames` left to the caller; memory per frame is bounded by ZMQ_MAXMSGSIZE.
bool recv_frames(zmq::socket_t& socket, proto::Frames& frames);

// Common options: linger 0, ZMQ_MAXMSGSIZE = kMaxBodyBytes + 4 KiB, ROUTER_MANDATORY on routers.
void configure_socket(zmq::socket_t& socket);

}  // namespace ktrdr::net
