// Worker bookkeeping for the broker (worker_registry.h).
#include "ktrdr/broker/worker_registry.h"

#include <algorithm>

namespace ktrdr::broker {

bool WorkerEntry::holds(const std::string& op_id) const {
  return std::find(jobs.begin(), jobs.end(), op_id) != jobs.end();
}

WorkerEntry& WorkerRegistry::add(const std::string& routing_id, const proto::WorkerReady& ready,
                                 int64_t now_ns) {
  drop_available(routing_id);
  WorkerEntry& w = workers_[routing_id];
  w.routing_id = routing_id;
  w.info.worker_id = ready.worker_id;
  w.info.capabilities = ready.capabilities;
  w.info.connected_ns = now_ns;
  w.jobs.clear();
  w.prefetch = std::clamp<uint32_t>(ready.prefetch, 1, proto::kMaxPrefetch);
  touch(w, now_ns);
  refresh(w);
  return w;
}

WorkerEntry* WorkerRegistry::find(const std::string& routing_id) {
  auto it = workers_.find(routing_id);
  return it == workers_.end() ? nullptr : &it->second;
}

WorkerEntry* WorkerRegistry::find_by_name(const std::string& worker_id) {
  for (auto& [id, w] : workers_) {
    if (w.info.worker_id == worker_id) return &w;
  }
  return nullptr;
}

void WorkerRegistry::touch(WorkerEntry& w, int64_t now_ns) {
  w.info.last_heartbeat_ns = now_ns;
  w.expiry_ns = now_ns + interval_ns_ * liveness_;
}

void WorkerRegistry::assign(WorkerEntry& w, const std::string& op_id) {
  if (!w.holds(op_id)) w.jobs.push_back(op_id);
  refresh(w);
}

bool WorkerRegistry::release(WorkerEntry& w, const std::string& op_id) {
  auto it = std::find(w.jobs.begin(), w.jobs.end(), op_id);
  if (it == w.jobs.end()) return false;
  w.jobs.erase(it);
  refresh(w);
  return true;
}

void WorkerRegistry::refresh(WorkerEntry& w) {
  w.info.state = w.jobs.empty() ? proto::WorkerState::kIdle : proto::WorkerState::kBusy;
  w.info.op_id = w.jobs.empty() ? std::string() : w.jobs.front();
  w.info.queued = w.jobs.empty() ? 0 : static_cast<uint32_t>(w.jobs.size() - 1);
  const bool listed = available_pos_.count(w.routing_id) != 0;
  if (w.has_room() && !listed) {
    available_.push_back(w.routing_id);
    available_pos_[w.routing_id] = std::prev(available_.end());
  } else if (!w.has_room() && listed) {
    drop_available(w.routing_id);
  }
}

std::vector<std::string> WorkerRegistry::available_routing_ids() const {
  std::vector<std::string> out;
  out.reserve(available_.size());
  for (const std::string& rid : available_) {
    if (workers_.at(rid).jobs.empty()) out.push_back(rid);
  }
  for (const std::string& rid : available_) {
    if (!workers_.at(rid).jobs.empty()) out.push_back(rid);
  }
  return out;
}

WorkerEntry* WorkerRegistry::next_available(const std::string& job_type) {
  for (const std::string& rid : available_routing_ids()) {
    WorkerEntry& w = workers_.at(rid);
    const auto& caps = w.info.capabilities;
    if (std::find(caps.begin(), caps.end(), job_type) != caps.end()) return &w;
  }
  return nullptr;
}

std::vector<WorkerEntry> WorkerRegistry::expire(int64_t now_ns) {
  std::vector<WorkerEntry> dead;
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (now_ns > it->second.expiry_ns) {
      drop_available(it->first);
      dead.push_back(std::move(it->second));
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
  return dead;
}

void WorkerRegistry::remove(const std::string& routing_id) {
  drop_available(routing_id);
  workers_.erase(routing_id);
}

std::vector<proto::WorkerInfo> WorkerRegistry::snapshot() const {
  std::vector<proto::WorkerInfo> out;
  out.reserve(workers_.size());
  for (const auto& [id, w] : workers_) out.push_back(w.info);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.worker_id < b.worker_id; });
  return out;
}

std::vector<std::string> WorkerRegistry::routing_ids() const {
  std::vector<std::string> out;
  out.reserve(workers_.size());
  for (const auto& [id, w] : workers_) out.push_back(id);
  return out;
}

void WorkerRegistry::drop_available(const std::string& routing_id) {
  auto it = available_pos_.find(routing_id);
  if (it == available_pos_.end()) return;
  available_.erase(it->second);
  available_pos_.erase(it);
}

}  // namespace ktrdr::broker
