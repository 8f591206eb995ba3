#include "ktrdr/gateway/feed_hub.h"

#include <algorithm>

#include "ktrdr/common/log.h"
#include "ktrdr/proto/messages.h"

namespace ktrdr::gateway {

using Clock = std::chrono::steady_clock;

std::vector<client::FeedEvent> FeedSubscription::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, timeout, [this] { return closed_ || !queue_.empty(); });
  std::vector<client::FeedEvent> out(std::make_move_iterator(queue_.begin()),
                                     std::make_move_iterator(queue_.end()));
  queue_.clear();
  return out;
}

bool FeedSubscription::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

uint64_t FeedSubscription::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void FeedSubscription::push(const client::FeedEvent& event) {
  if (!op_id_.empty() && event.op_id() != op_id_) return;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    if (queue_.size() >= capacity_) {
      queue_.pop_front();
      ++dropped_;
    }
    queue_.push_back(event);
  }
  cv_.notify_one();
}

void FeedSubscription::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  cv_.notify_all();
}

FeedHub::FeedHub(zmq::context_t& context, const std::string& endpoint)
    : feed_(std::make_unique<client::ProgressFeed>(context, endpoint, "")),
      thread_([this](std::stop_token stop) { run(stop); }) {}

FeedHub::~FeedHub() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  for (auto& s : subscriptions_) s->close();
}

std::shared_ptr<FeedSubscription> FeedHub::subscribe(const std::string& op_id, std::size_t capacity) {
  auto s = std::make_shared<FeedSubscription>(op_id, capacity);
  std::lock_guard lock(mutex_);
  subscriptions_.push_back(s);
  return s;
}

void FeedHub::unsubscribe(const std::shared_ptr<FeedSubscription>& subscription) {
  subscription->close();
  std::lock_guard lock(mutex_);
  std::erase(subscriptions_, subscription);
}

FeedStats FeedHub::stats() const {
  std::lock_guard lock(mutex_);
  FeedStats s = counters_;
  const auto now = Clock::now();
  for (const auto& [id, t] : tracks_) {
    if (!t.has_snapshot || now - t.seen > kActiveWindow) continue;
    s.bars_per_second += t.bars_per_second;
    ++s.active_operations;
  }
  s.subscriptions = subscriptions_.size();
  return s;
}

void FeedHub::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    std::optional<client::FeedEvent> ev;
    try {
      ev = feed_->next(std::chrono::milliseconds(200));
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      log::error("gateway: progress feed failed: {}", e.what());
      return;
    }
    if (ev) record(*ev);
  }
}

void FeedHub::record(const client::FeedEvent& event) {
  std::lock_guard lock(mutex_);
  counters_.dropped_messages = feed_->dropped();
  const auto now = Clock::now();
  if (event.command == proto::Command::kProgress) {
    const proto::Progress& p = event.progress;
    ++counters_.progress_messages;
    OpTrack& t = tracks_[p.op_id];
    if (t.has_snapshot && t.attempt != p.attempt) t.has_snapshot = false;  // a new attempt: new baseline
    if (!t.has_snapshot) {
      t.bars_done = t.fresh_start ? 0 : p.bars_done;
      t.has_snapshot = true;
      t.fresh_start = false;
    }
    if (p.bars_done > t.bars_done) {
      counters_.bars_processed += p.bars_done - t.bars_done;
      t.bars_done = p.bars_done;
    }
    t.attempt = p.attempt;
    t.bars_total = p.bars_total;
    t.bars_per_second = p.bars_per_second;
    t.seen = now;
  } else {
    const proto::OpEvent& e = event.event;
    const auto state = static_cast<std::size_t>(e.state);
    if (state < counters_.transitions.size()) ++counters_.transitions[state];
    if (proto::is_terminal(e.state)) {
      const auto it = tracks_.find(e.op_id);
      if (it != tracks_.end()) {
        const OpTrack& t = it->second;
        if (e.state == proto::OpState::kCompleted && t.has_snapshot && t.bars_total > t.bars_done) {
          counters_.bars_processed += t.bars_total - t.bars_done;
        }
        tracks_.erase(it);
      }
    } else {
      OpTrack& t = tracks_[e.op_id];
      t.seen = now;
      if (e.state == proto::OpState::kResuming) t.resumed = true;
      // (a new attempt is told by its snapshots' attempt number; this only decides where a first one counts
      // from)
      if (e.state == proto::OpState::kRunning && !t.has_snapshot) t.fresh_start = !t.resumed;
    }
  }
  // Forget operations silent for long (a worker killed mid-run sends no terminal event for its attempt).
  if (now - last_prune_ > std::chrono::seconds(10)) {
    std::erase_if(tracks_, [&](const auto& kv) { return now - kv.second.seen > std::chrono::minutes(10); });
    last_prune_ = now;
  }
  for (auto& s : subscriptions_) s->push(event);
}

}  // namespace ktrdr::gateway
