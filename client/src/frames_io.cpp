#include "ktrdr/client/frames_io.h"

#include "ktrdr/net/frames.h"

namespace ktrdr::client {

std::optional<proto::Frames> recv_frames_for(zmq::socket_t& socket, std::chrono::milliseconds timeout) {
  zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
  if (zmq::poll(&item, 1, timeout) == 0 || (item.revents & ZMQ_POLLIN) == 0) return std::nullopt;
  proto::Frames frames;
  if (!net::recv_frames(socket, frames)) return std::nullopt;
  return frames;
}

}  // namespace ktrdr::client
