// A DEALER / SUB socket for the fuzz test, on libzmq loaded at run time (dlopen): test_fleet links only
// ktrdr::common and nlohmann_json (tests/CMakeLists.txt), so the C API is resolved here instead of linking
// cppzmq. Only what the fuzz loop needs: multipart send, multipart receive with a timeout.
#pragma once

#include <dlfcn.h>
#include <zmq.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ktrdr::test {

class RawZmq {
 public:
  RawZmq() {
    lib_ = ::dlopen("libzmq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (lib_ == nullptr) throw std::runtime_error(std::string("dlopen libzmq.so.5: ") + ::dlerror());
    load(ctx_new_, "zmq_ctx_new");
    load(ctx_term_, "zmq_ctx_term");
    load(socket_, "zmq_socket");
    load(close_, "zmq_close");
    load(setsockopt_, "zmq_setsockopt");
    load(getsockopt_, "zmq_getsockopt");
    load(connect_, "zmq_connect");
    load(send_, "zmq_send");
    load(msg_init_, "zmq_msg_init");
    load(msg_recv_, "zmq_msg_recv");
    load(msg_data_, "zmq_msg_data");
    load(msg_size_, "zmq_msg_size");
    load(msg_close_, "zmq_msg_close");
    ctx_ = ctx_new_();
  }
  ~RawZmq() {
    for (void* s : sockets_) close_(s);
    if (ctx_ != nullptr) ctx_term_(ctx_);
    ::dlclose(lib_);
  }
  RawZmq(const RawZmq&) = delete;
  RawZmq& operator=(const RawZmq&) = delete;

  // A connected socket of `type` (ZMQ_DEALER, ZMQ_SUB), linger 0, receive timeout `rcv_timeout_ms`.
  void* open(int type, const std::string& endpoint, int rcv_timeout_ms) {
    void* s = socket_(ctx_, type);
    if (s == nullptr) throw std::runtime_error("zmq_socket failed");
    sockets_.push_back(s);
    const int zero = 0;
    setsockopt_(s, ZMQ_LINGER, &zero, sizeof zero);
    setsockopt_(s, ZMQ_RCVTIMEO, &rcv_timeout_ms, sizeof rcv_timeout_ms);
    if (type == ZMQ_SUB) setsockopt_(s, ZMQ_SUBSCRIBE, "", 0);
    if (connect_(s, endpoint.c_str()) != 0) throw std::runtime_error("zmq_connect failed: " + endpoint);
    return s;
  }
  void close(void* s) {
    for (auto it = sockets_.begin(); it != sockets_.end(); ++it) {
      if (*it == s) {
        close_(s);
        sockets_.erase(it);
        return;
      }
    }
  }

  // Sends frames as one message (an empty vector sends nothing). Returns false if it would block.
  bool send(void* s, const std::vector<std::string>& frames) {
    for (size_t i = 0; i < frames.size(); ++i) {
      const int flags = ZMQ_DONTWAIT | (i + 1 < frames.size() ? ZMQ_SNDMORE : 0);
      if (send_(s, frames[i].data(), frames[i].size(), flags) < 0) return false;
    }
    return true;
  }

  // Receives one whole message or nullopt at the socket's receive timeout.
  std::optional<std::vector<std::string>> recv(void* s) {
    std::vector<std::string> frames;
    while (true) {
      zmq_msg_t msg;
      msg_init_(&msg);
      if (msg_recv_(&msg, s, 0) < 0) {
        msg_close_(&msg);
        if (frames.empty()) return std::nullopt;
        continue;
      }
      frames.emplace_back(static_cast<const char*>(msg_data_(&msg)), msg_size_(&msg));
      msg_close_(&msg);
      int more = 0;
      size_t len = sizeof more;
      getsockopt_(s, ZMQ_RCVMORE, &more, &len);
      if (!more) return frames;
    }
  }

 private:
  template <typename F>
  void load(F& fn, const char* name) {
    fn = reinterpret_cast<F>(::dlsym(lib_, name));
    if (fn == nullptr) throw std::runtime_error(std::string("dlsym ") + name);
  }

  void* lib_ = nullptr;
  void* ctx_ = nullptr;
  std::vector<void*> sockets_;
  void* (*ctx_new_)() = nullptr;
  int (*ctx_term_)(void*) = nullptr;
  void* (*socket_)(void*, int) = nullptr;
  int (*close_)(void*) = nullptr;
  int (*setsockopt_)(void*, int, const void*, size_t) = nullptr;
  int (*getsockopt_)(void*, int, void*, size_t*) = nullptr;
  int (*connect_)(void*, const char*) = nullptr;
  int (*send_)(void*, const void*, size_t, int) = nullptr;
  int (*msg_init_)(zmq_msg_t*) = nullptr;
  int (*msg_recv_)(zmq_msg_t*, void*, int) = nullptr;
  void* (*msg_data_)(zmq_msg_t*) = nullptr;
  size_t (*msg_size_)(const zmq_msg_t*) = nullptr;
  int (*msg_close_)(zmq_msg_t*) = nullptr;
};

}  // namespace ktrdr::test
