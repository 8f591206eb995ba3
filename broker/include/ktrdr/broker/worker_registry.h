// The broker's view of its workers (Majordomo "waiting list" + Paranoid Pirate expiry): who is connected,
// which jobs each one holds, and which worker with room for a job has waited longest (LRU dispatch).
// A worker holds up to `prefetch` jobs (WorkerReady.prefetch, default 1): the first one runs, the others
// wait on the worker so it can start the next one without a round trip to the broker. Pure bookkeeping,
// no sockets.
#pragma once

#include <cstdint>
#include <deque>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

#include "ktrdr/proto/messages.h"

namespace ktrdr::broker {

struct WorkerEntry {
  std::string routing_id;        // ROUTER identity bytes
  proto::WorkerInfo info;        // worker_id, state, op_id (= jobs.front()), queued, capabilities, ...
  std::deque<std::string> jobs;  // op ids sent to it, in the order it runs them
  uint32_t prefetch = 1;         // how many jobs it may hold
  int64_t expiry_ns = 0;         // dead when now > expiry (liveness x interval after the last message)

  bool holds(const std::string& op_id) const;
  bool has_room() const { return jobs.size() < prefetch; }
};

class WorkerRegistry {
 public:
  WorkerRegistry(int64_t heartbeat_interval_ns, int liveness)
      : interval_ns_(heartbeat_interval_ns), liveness_(liveness) {}

  // Registers (or re-registers) a worker after kReady, holding no job.
  WorkerEntry& add(const std::string& routing_id, const proto::WorkerReady& ready, int64_t now_ns);
  WorkerEntry* find(const std::string& routing_id);
  WorkerEntry* find_by_name(const std::string& worker_id);
  void touch(WorkerEntry& w, int64_t now_ns);  // any message from the worker refreshes its expiry
  // The worker was sent `op_id` (or says it runs it).
  void assign(WorkerEntry& w, const std::string& op_id);
  // The worker is done with `op_id` (result, failure); returns false when it did not hold it.
  bool release(WorkerEntry& w, const std::string& op_id);
  // Workers with room for a job, in dispatch order: those holding no job first, each group by how long it
  // has had room (longest first).
  std::vector<std::string> available_routing_ids() const;
  // First worker of available_routing_ids() able to run `job_type` (nullptr if none).
  WorkerEntry* next_available(const std::string& job_type);
  // Removes and returns every worker whose expiry passed.
  std::vector<WorkerEntry> expire(int64_t now_ns);
  void remove(const std::string& routing_id);

  std::vector<proto::WorkerInfo> snapshot() const;  // sorted by worker id
  std::vector<std::string> routing_ids() const;
  std::size_t size() const { return workers_.size(); }
  std::size_t available_count() const { return available_.size(); }

 private:
  void refresh(WorkerEntry& w);  // info.state/op_id/queued and the available list from `jobs`
  void drop_available(const std::string& routing_id);
  int64_t interval_ns_;
  int liveness_;
  std::unordered_map<std::string, WorkerEntry> workers_;
  std::list<std::string> available_;  // front = has had room the longest
  std::unordered_map<std::string, std::list<std::string>::iterator> available_pos_;
};

}  // namespace ktrdr::broker
