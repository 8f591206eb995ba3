// The gateway's link to the broker: a small pool of threads, each owning one DEALER socket (a
// client::BrokerClient, Lazy Pirate request/reply). HTTP handler threads never touch a socket: call() queues
// the request and waits for one of the pool's threads to answer it (a ZeroMQ socket lives on one thread).
// With N connections, N requests are in flight at once, so one large result download does not hold up the
// status polls. Every call is bounded: a request that waited in the queue longer than the reply budget
// (timeout x attempts) is answered "unreachable" without being sent.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "ktrdr/client/broker_client.h"
#include "ktrdr/proto/codec.h"

namespace ktrdr::gateway {

struct BrokerPoolStats {
  uint64_t requests = 0;     // calls answered by the broker
  uint64_t unreachable = 0;  // calls that got no reply within the budget
};

class BrokerPool {
 public:
  // Opens `connections` sockets to options.broker on this thread (a bad endpoint throws ktrdr::Error here),
  // then hands each to its own thread.
  BrokerPool(zmq::context_t& context, const client::ClientOptions& options, int connections);
  ~BrokerPool();  // answers queued calls with BrokerUnreachable("stopping"), joins the threads
  BrokerPool(const BrokerPool&) = delete;
  BrokerPool& operator=(const BrokerPool&) = delete;

  // Thread-safe. Returns the broker's Reply, whatever its code. Throws client::BrokerUnreachable when no
  // reply came within the budget, ktrdr::Error when the reply could not be decoded.
  proto::Reply call_packed(proto::Command command, std::string body);
  template <typename Request>
  proto::Reply call(proto::Command command, const Request& body) {
    return call_packed(command, proto::pack(body));
  }

  BrokerPoolStats stats() const;
  const std::string& endpoint() const { return endpoint_; }
  // How long one call may take at most (reply timeout x attempts).
  std::chrono::milliseconds budget() const { return budget_; }

 private:
  struct Call {
    proto::Command command;
    std::string body;
    std::chrono::steady_clock::time_point queued_at;
    std::promise<proto::Reply> reply;
  };
  void serve(client::BrokerClient& client, std::stop_token stop);

  std::string endpoint_;
  std::chrono::milliseconds budget_;
  mutable std::mutex mutex_;
  std::condition_variable_any ready_;
  std::deque<std::unique_ptr<Call>> calls_;
  std::atomic<uint64_t> requests_{0}, unreachable_{0};
  std::vector<std::unique_ptr<client::BrokerClient>> clients_;
  std::vector<std::jthread> threads_;  // last: joined first
};

}  // namespace ktrdr::gateway
