// Worker bookkeeping for the broker (worker_registry.h).
#include "ktrdr/net/worker_registry.h"

#include <algorithm>

namespace ktrdr::net {

WorkerEntry& WorkerRegistry::add(const std::string& routing_id, const proto::WorkerReady& ready,
                                 int64_t now_ns) {
  drop_idle(routing_id);
  WorkerEntry& w = workers_[routing_id];
  w.routing_id = routing_id;
  w.info.worker_id = ready.worker_id;
  w.info.capabilities = ready.capabilities;
  w.info.connected_ns = now_ns;
  w.info.op_id.clear();
  w.info.state = proto::WorkerState::kIdle;
  touch(w, now_ns);
  set_idle(w);
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

void WorkerRegistry::set_busy(WorkerEntry& w, const std::string& op_id, uint32_t attempt) {
  drop_idle(w.routing_id);
  w.info.state = proto::WorkerState::kBusy;
  w.info.op_id = op_id;
  w.attempt = attempt;
}

void WorkerRegistry::set_idle(WorkerEntry& w) {
  drop_idle(w.routing_id);
  w.info.state = proto::WorkerState::kIdle;
  w.info.op_id.clear();
  w.attempt = 0;
  idle_.push_back(w.routing_id);
  idle_pos_[w.routing_id] = std::prev(idle_.end());
}

WorkerEntry* WorkerRegistry::next_idle(const std::string& job_type) {
  for (const std::string& rid : idle_) {
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
      drop_idle(it->first);
      dead.push_back(std::move(it->second));
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
  return dead;
}

void WorkerRegistry::remove(const std::string& routing_id) {
  drop_idle(routing_id);
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

std::vector<std::string> WorkerRegistry::idle_routing_ids() const {
  return {idle_.begin(), idle_.end()};
}

void WorkerRegistry::drop_idle(const std::string& routing_id) {
  auto it = idle_pos_.find(routing_id);
  if (it == idle_pos_.end()) return;
  idle_.erase(it->second);
  idle_pos_.erase(it);
}

}  // namespace ktrdr::net
