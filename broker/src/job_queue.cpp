// Per-type FIFO of waiting operations with lazy removal (job_queue.h).
#include "ktrdr/broker/job_queue.h"

#include <algorithm>

namespace ktrdr::broker {

void JobQueue::push_back(const std::string& op_id, const std::string& job_type) {
  push(op_id, job_type, false);
}

void JobQueue::push_front(const std::string& op_id, const std::string& job_type) {
  push(op_id, job_type, true);
}

void JobQueue::push(const std::string& op_id, const std::string& job_type, bool front) {
  const int64_t ticket = front ? next_front_-- : next_back_++;
  live_[op_id] = Live{ticket, job_type};
  std::deque<Entry>& q = by_type_[job_type];
  if (front) {
    q.push_front(Entry{ticket, op_id});
  } else {
    q.push_back(Entry{ticket, op_id});
  }
  ++entries_;
  // An op that was queued before keeps a stale entry; it is skipped (and dropped) when it reaches a head.
  compact_if_stale();
}

void JobQueue::compact_if_stale() {
  if (entries_ <= 2 * live_.size() + 1024) return;
  entries_ = 0;
  for (auto& [type, q] : by_type_) {
    std::erase_if(q, [&](const Entry& e) {
      auto it = live_.find(e.op_id);
      return it == live_.end() || it->second.ticket != e.ticket;
    });
    entries_ += q.size();
  }
}

bool JobQueue::remove(const std::string& op_id) {
  const bool removed = live_.erase(op_id) != 0;
  if (removed) compact_if_stale();
  return removed;
}

const JobQueue::Entry* JobQueue::live_head(std::deque<Entry>& q) {
  while (!q.empty()) {
    auto it = live_.find(q.front().op_id);
    if (it != live_.end() && it->second.ticket == q.front().ticket) return &q.front();
    q.pop_front();
    --entries_;
  }
  return nullptr;
}

std::optional<std::string> JobQueue::pop_for(const std::vector<std::string>& job_types) {
  std::deque<Entry>* best = nullptr;
  int64_t best_ticket = 0;
  for (const std::string& type : job_types) {
    auto it = by_type_.find(type);
    if (it == by_type_.end()) continue;
    const Entry* head = live_head(it->second);
    if (head == nullptr) continue;
    if (best == nullptr || head->ticket < best_ticket) {
      best = &it->second;
      best_ticket = head->ticket;
    }
  }
  if (best == nullptr) return std::nullopt;
  std::string op_id = std::move(best->front().op_id);
  best->pop_front();
  --entries_;
  live_.erase(op_id);
  return op_id;
}

std::vector<std::string> JobQueue::snapshot() const {
  std::vector<std::pair<int64_t, std::string>> order;
  order.reserve(live_.size());
  for (const auto& [op_id, live] : live_) order.emplace_back(live.ticket, op_id);
  std::sort(order.begin(), order.end());
  std::vector<std::string> out;
  out.reserve(order.size());
  for (auto& [ticket, op_id] : order) out.push_back(std::move(op_id));
  return out;
}

}  // namespace ktrdr::broker
