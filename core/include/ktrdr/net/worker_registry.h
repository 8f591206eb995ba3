// The broker's view of its workers (Majordomo "waiting list" + Paranoid Pirate expiry): who is connected,
// idle or busy, and which idle worker has waited longest (LRU dispatch). Pure bookkeeping, no sockets.
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

#include "ktrdr/proto/messages.h"

namespace ktrdr::net {

struct WorkerEntry {
  std::string routing_id;  // ROUTER identity bytes
  proto::WorkerInfo info;  // worker_id, state, op_id, last heartbeat, capabilities, jobs_done
  uint32_t attempt = 0;    // attempt number of the current job
  int64_t expiry_ns = 0;   // dead when now > expiry (liveness x interval after the last message)
};

class WorkerRegistry {
 public:
  WorkerRegistry(int64_t heartbeat_interval_ns, int liveness)
      : interval_ns_(heartbeat_interval_ns), liveness_(liveness) {}

  // Registers (or re-registers) a worker after kReady. The worker starts idle unless `busy_op` is given.
  WorkerEntry& add(const std::string& routing_id, const proto::WorkerReady& ready, int64_t now_ns);
  WorkerEntry* find(const std::string& routing_id);
  WorkerEntry* find_by_name(const std::string& worker_id);
  void touch(WorkerEntry& w, int64_t now_ns);  // any message from the worker refreshes its expiry
  void set_busy(WorkerEntry& w, const std::string& op_id, uint32_t attempt);
  void set_idle(WorkerEntry& w);  // goes to the back of the LRU list
  // Least recently used idle worker able to run `job_type` (nullptr if none). Does not change its state.
  WorkerEntry* next_idle(const std::string& job_type);
  // Removes and returns every worker whose expiry passed.
  std::vector<WorkerEntry> expire(int64_t now_ns);
  void remove(const std::string& routing_id);

  std::vector<proto::WorkerInfo> snapshot() const;  // sorted by worker id
  std::vector<std::string> routing_ids() const;
  std::vector<std::string> idle_routing_ids() const;  // LRU order: idle the longest first
  std::size_t size() const { return workers_.size(); }
  std::size_t idle_count() const { return idle_.size(); }

 private:
  void drop_idle(const std::string& routing_id);
  int64_t interval_ns_;
  int liveness_;
  std::unordered_map<std::string, WorkerEntry> workers_;
  std::list<std::string> idle_;  // front = idle the longest
  std::unordered_map<std::string, std::list<std::string>::iterator> idle_pos_;
};

}  // namespace ktrdr::net
