// The fleet broker (Majordomo + Paranoid Pirate): a ROUTER for clients, a ROUTER for workers, a RocksDB job
// store, LRU dispatch, heartbeats, re-queue from the latest checkpoint, and an XSUB/XPUB progress proxy.
// Used by ktrdr-broker (broker/main.cpp), the bench and the tests (over inproc://). Inside: the loop and
// dispatch in broker/src/broker.cpp, client requests in broker_clients.cpp, worker messages in
// broker_workers.cpp (state shared through broker_impl.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace zmq {
class context_t;
}

namespace ktrdr::broker {

struct BrokerOptions {
  std::string clients_endpoint = "tcp://127.0.0.1:5555";       // ROUTER for ktrdr-submit / dashboards
  std::string workers_endpoint = "tcp://127.0.0.1:5556";       // ROUTER for workers
  std::string progress_in_endpoint = "tcp://127.0.0.1:5557";   // XSUB: workers' PUB connect here
  std::string progress_out_endpoint = "tcp://127.0.0.1:5558";  // XPUB: dashboards' SUB connect here
  std::string state_dir = "/var/lib/ktrdr/broker";
  int heartbeat_interval_ms = 1000;
  int heartbeat_liveness = 3;  // a worker silent for this many intervals is dead
  uint32_t max_attempts = 3;
  bool sync_writes = true;                     // fsync accepted starts and results before answering
  std::size_t max_terminal_in_memory = 10000;  // older finished operations are read from the store on demand

  // Throws ktrdr::Error naming the option, the value and the fix.
  void validate() const;
};

class Broker {
 public:
  // Opens the store, reloads operations, binds every endpoint. Throws ktrdr::Error on failure.
  Broker(zmq::context_t& context, BrokerOptions options);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Endpoints actually bound (tcp://127.0.0.1:* resolved to the port).
  std::string clients_endpoint() const;
  std::string workers_endpoint() const;
  std::string progress_in_endpoint() const;
  std::string progress_out_endpoint() const;

  // Runs the router loop on the calling thread until `stop` becomes true (checked at least every 100 ms).
  // `on_tick` is called once per loop iteration (systemd watchdog).
  void run(const std::atomic<bool>& stop, const std::function<void()>& on_tick = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ktrdr::broker
