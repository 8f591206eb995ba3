// Group commit off the broker loop. The loop writes each batch to the WAL without fsync (it survives a
// process kill at once) and asks for a sync; this thread fsyncs the WAL while the loop keeps dispatching,
// and wakes the loop over an inproc PAIR when a sync is done. A reply that promises durability is held
// until a sync that started after its batch was written has finished: one fsync covers every batch
// written before it began.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "ktrdr/broker/job_store.h"

namespace ktrdr::broker {

class WalSyncer {
 public:
  struct Done {
    uint64_t ticket;     // every batch written before request() returned this ticket is now durable...
    StoreStatus status;  // ...unless the fsync failed
  };

  WalSyncer(zmq::context_t& context, JobStore& store);
  ~WalSyncer();  // finishes the requested syncs, then stops the thread
  WalSyncer(const WalSyncer&) = delete;
  WalSyncer& operator=(const WalSyncer&) = delete;

  // Asks for an fsync of everything written so far; returns its ticket (increasing from 1).
  uint64_t request();
  // Readable (ZMQ_POLLIN) when syncs have finished since the last take_done().
  zmq::socket_t& wakeup() { return wakeup_; }
  // Finished syncs in ticket order (drains the wake-up socket).
  std::vector<Done> take_done();
  // Blocks until every requested ticket is done (shutdown), at most `timeout_ms`.
  std::vector<Done> wait_all(int timeout_ms);

 private:
  void run();

  JobStore& store_;
  zmq::socket_t wakeup_;  // loop's end; the sync thread sends one byte per finished sync
  std::string endpoint_;
  zmq::context_t& context_;
  std::mutex mutex_;
  std::condition_variable cv_;
  uint64_t requested_ = 0;  // guarded by mutex_
  uint64_t started_ = 0;    // guarded by mutex_
  uint64_t completed_ = 0;  // guarded by mutex_
  bool stopping_ = false;   // guarded by mutex_
  std::vector<Done> done_;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace ktrdr::broker
