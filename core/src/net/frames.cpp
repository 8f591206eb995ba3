// Frame I/O over ZeroMQ sockets (frames.h).
#include "ktrdr/net/frames.h"

#include <zmq.hpp>

namespace ktrdr::net {

bool send_frames(zmq::socket_t& socket, const proto::Frames& frames, bool dontwait) {
  const zmq::send_flags base = dontwait ? zmq::send_flags::dontwait : zmq::send_flags::none;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const bool last = i + 1 == frames.size();
    zmq::message_t m(frames[i].data(), frames[i].size());
    auto sent = socket.send(m, last ? base : (base | zmq::send_flags::sndmore));
    if (!sent) return false;
  }
  return true;
}

bool send_routed(zmq::socket_t& socket, const std::string& routing_id, const proto::Frames& frames) {
  try {
    zmq::message_t id(routing_id.data(), routing_id.size());
    if (!socket.send(id, zmq::send_flags::sndmore | zmq::send_flags::dontwait)) return false;
    return send_frames(socket, frames, true);
  } catch (const zmq::error_t& e) {
    if (e.num() == EHOSTUNREACH || e.num() == EAGAIN) return false;  // peer gone: caller decides
    throw;
  }
}

bool recv_frames(zmq::socket_t& socket, proto::Frames& frames) {
  frames.clear();
  zmq::message_t m;
  if (!socket.recv(m, zmq::recv_flags::dontwait)) return false;
  frames.emplace_back(static_cast<const char*>(m.data()), m.size());
  while (m.more()) {
    zmq::message_t part;
    (void)socket.recv(part, zmq::recv_flags::none);  // the rest of a multipart message is already queued
    frames.emplace_back(static_cast<const char*>(part.data()), part.size());
    m = std::move(part);
  }
  return true;
}

void configure_socket(zmq::socket_t& socket) {
  socket.set(zmq::sockopt::linger, 0);
  socket.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(proto::kMaxBodyBytes + 4096));
  if (socket.get(zmq::sockopt::type) == ZMQ_ROUTER) socket.set(zmq::sockopt::router_mandatory, 1);
}

}  // namespace ktrdr::net
