// The broker's queue of operations waiting for a worker. One FIFO per job type, so a job that no idle
// worker can run (e.g. "backtest" while only "noop" workers are idle) never blocks the jobs behind it;
// across types the oldest entry still goes first. Removal is O(1): an entry carries a ticket and is
// skipped when its operation's current ticket differs (it was removed or re-queued since).
// Pure bookkeeping, no sockets, no store.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ktrdr::broker {

class JobQueue {
 public:
  // Queues `op_id` (at the back, or at the front for a retry). An op already queued is moved.
  void push_back(const std::string& op_id, const std::string& job_type);
  void push_front(const std::string& op_id, const std::string& job_type);
  // Forgets `op_id` if queued; returns whether it was.
  bool remove(const std::string& op_id);
  bool contains(const std::string& op_id) const { return live_.count(op_id) != 0; }
  std::size_t size() const { return live_.size(); }
  bool empty() const { return live_.empty(); }

  // Removes and returns the oldest queued op whose job type is one of `job_types`, if any.
  std::optional<std::string> pop_for(const std::vector<std::string>& job_types);
  // Queued op ids in dispatch order (oldest first); O(n log n), for status pages and tests.
  std::vector<std::string> snapshot() const;

 private:
  struct Entry {
    int64_t ticket;  // order across types: smaller goes first; push_front uses negative tickets
    std::string op_id;
  };
  struct Live {
    int64_t ticket;
    std::string job_type;
  };
  void push(const std::string& op_id, const std::string& job_type, bool front);
  // Drops stale entries from the head of `q`; returns its live head or nullptr.
  const Entry* live_head(std::deque<Entry>& q);
  // Rebuilds the per-type queues without stale entries once they outnumber the live ones (bounded memory
  // when many ops are cancelled or re-queued while their type has no worker).
  void compact_if_stale();

  std::unordered_map<std::string, std::deque<Entry>> by_type_;
  std::unordered_map<std::string, Live> live_;
  std::size_t entries_ = 0;  // entries in by_type_, live or stale
  int64_t next_back_ = 1;
  int64_t next_front_ = 0;
};

}  // namespace ktrdr::broker
