// DEALER / SUB sockets for the fuzz test (cppzmq): frames go out exactly as given, with none of the
// project's framing helpers, so the test can send what no well-behaved peer would.
#pragma once

#include <zmq.hpp>

#include <chrono>
#include <list>
#include <optional>
#include <string>
#include <vector>

namespace ktrdr::test {

class RawZmq {
 public:
  RawZmq() = default;
  RawZmq(const RawZmq&) = delete;
  RawZmq& operator=(const RawZmq&) = delete;

  // A connected socket of `type` (ZMQ_DEALER, ZMQ_SUB), linger 0, receive timeout `rcv_timeout_ms`.
  zmq::socket_t* open(int type, const std::string& endpoint, int rcv_timeout_ms) {
    zmq::socket_t& s = sockets_.emplace_back(ctx_, type);
    s.set(zmq::sockopt::linger, 0);
    s.set(zmq::sockopt::rcvtimeo, rcv_timeout_ms);
    if (type == ZMQ_SUB) s.set(zmq::sockopt::subscribe, "");
    s.connect(endpoint);
    return &s;
  }
  void close(zmq::socket_t* s) {
    sockets_.remove_if([s](const zmq::socket_t& x) { return &x == s; });
  }

  // Sends frames as one message (an empty vector sends nothing). Returns false if it would block.
  bool send(zmq::socket_t* s, const std::vector<std::string>& frames) {
    for (size_t i = 0; i < frames.size(); ++i) {
      const auto flags = zmq::send_flags::dontwait |
                         (i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
      if (!s->send(zmq::buffer(frames[i]), flags)) return false;
    }
    return true;
  }

  // Receives one whole message or nullopt at the socket's receive timeout.
  std::optional<std::vector<std::string>> recv(zmq::socket_t* s) {
    std::vector<std::string> frames;
    zmq::message_t m;
    if (!s->recv(m)) return std::nullopt;
    frames.push_back(m.to_string());
    while (m.more()) {
      (void)s->recv(m);  // the rest of a multipart message is already here
      frames.push_back(m.to_string());
    }
    return frames;
  }

 private:
  zmq::context_t ctx_;
  std::list<zmq::socket_t> sockets_;  // stable addresses; closed before the context
};

}  // namespace ktrdr::test
