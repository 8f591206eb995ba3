#include "top_state.h"

#include <algorithm>
#include <tuple>

namespace ktrdr::cli {
namespace {

int display_rank(proto::OpState s) {
  switch (s) {
    case proto::OpState::kRunning:
      return 0;
    case proto::OpState::kResuming:
      return 1;
    case proto::OpState::kPending:
      return 2;
    default:
      return 3;
  }
}

}  // namespace

void TopState::on_list_reply(const proto::Reply& reply, int64_t now_ns) {
  last_reply_ns_ = now_ns;
  fleet_ = reply.fleet;
  // keep feed progress that is newer than what the broker last stored
  std::vector<proto::OperationInfo> fresh = reply.operations;
  for (auto& op : fresh) {
    if (const proto::OperationInfo* old = job(op.op_id);
        old != nullptr && op.state == proto::OpState::kRunning &&
        std::tie(old->progress.attempt, old->progress.seq) > std::tie(op.progress.attempt, op.progress.seq)) {
      op.progress = old->progress;
    }
    if (op.state == proto::OpState::kFailed && !op.errors.empty()) {
      // "gave up after 3 attempts" says little alone: add the last attempt's reason
      std::string why = op.errors.back();
      if (op.errors.size() > 1 && why.rfind("gave up", 0) == 0) why += "; " + op.errors[op.errors.size() - 2];
      add_failure(op.finished_ns, op.op_id, why, true);
    }
  }
  jobs_ = std::move(fresh);
  sort_jobs();
}

void TopState::on_progress(const proto::Progress& p, int64_t now_ns) {
  last_feed_ns_ = now_ns;
  ++feed_messages_;
  auto it = std::find_if(jobs_.begin(), jobs_.end(), [&](const auto& op) { return op.op_id == p.op_id; });
  if (it == jobs_.end()) {  // started since the last list reply
    proto::OperationInfo op;
    op.op_id = p.op_id;
    op.state = proto::OpState::kRunning;
    op.worker_id = p.worker_id;
    op.progress = p;
    jobs_.push_back(std::move(op));
    sort_jobs();
    return;
  }
  if (std::tie(p.attempt, p.seq) >= std::tie(it->progress.attempt, it->progress.seq)) {
    it->progress = p;
    it->worker_id = p.worker_id;
  }
}

void TopState::on_event(const proto::OpEvent& e, int64_t now_ns) {
  last_feed_ns_ = now_ns;
  ++feed_messages_;
  auto it = std::find_if(jobs_.begin(), jobs_.end(), [&](const auto& op) { return op.op_id == e.op_id; });
  if (it == jobs_.end()) {
    proto::OperationInfo op;
    op.op_id = e.op_id;
    jobs_.push_back(std::move(op));
    it = std::prev(jobs_.end());
  }
  it->state = e.state;
  if (!e.worker_id.empty()) it->worker_id = e.worker_id;
  if (proto::is_terminal(e.state)) it->finished_ns = e.ts_ns;
  if (e.state == proto::OpState::kCompleted) it->progress.percentage = 100.0;
  if (e.state == proto::OpState::kFailed) add_failure(e.ts_ns, e.op_id, e.message, false);
  sort_jobs();
}

const proto::OperationInfo* TopState::job(const std::string& op_id) const {
  const auto it = std::find_if(jobs_.begin(), jobs_.end(), [&](const auto& op) { return op.op_id == op_id; });
  return it == jobs_.end() ? nullptr : &*it;
}

void TopState::sort_jobs() {
  std::stable_sort(jobs_.begin(), jobs_.end(), [](const auto& a, const auto& b) {
    const int ra = display_rank(a.state), rb = display_rank(b.state);
    if (ra != rb) return ra < rb;
    if (ra == 3) return a.finished_ns > b.finished_ns;  // finished: newest first
    return a.created_ns < b.created_ns;                 // queued/running: oldest first
  });
}

void TopState::add_failure(int64_t ts_ns, const std::string& op_id, const std::string& message,
                           bool from_list) {
  // the same failure arrives as an OpEvent and again in every list reply (with the attempts' reasons)
  const auto known =
      std::find_if(failures_.begin(), failures_.end(), [&](const auto& f) { return f.op_id == op_id; });
  if (known != failures_.end()) {
    if (!from_list) return;
    known->message = message;
    known->ts_ns = ts_ns;  // the broker's time may differ from the event's: sort again
  } else {
    failures_.push_front({ts_ns, op_id, message});
  }
  std::stable_sort(failures_.begin(), failures_.end(),
                   [](const auto& a, const auto& b) { return a.ts_ns > b.ts_ns; });
  while (failures_.size() > kMaxFailures) failures_.pop_back();
}

std::size_t TopState::selected_index() const {
  for (std::size_t i = 0; i < jobs_.size(); ++i) {
    if (jobs_[i].op_id == selected_id_) return i;
  }
  return jobs_.size();
}

const proto::OperationInfo* TopState::selected() const {
  const std::size_t i = selected_index();
  return i < jobs_.size() ? &jobs_[i] : nullptr;
}

void TopState::move_selection(std::ptrdiff_t rows) {
  if (jobs_.empty() || rows == 0) return;
  const auto last = static_cast<std::ptrdiff_t>(jobs_.size()) - 1;
  const std::size_t i = selected_index();
  // nothing selected: the first step lands on row 0, the others move from there
  const std::ptrdiff_t target =
      i >= jobs_.size() ? std::max<std::ptrdiff_t>(rows - 1, 0) : static_cast<std::ptrdiff_t>(i) + rows;
  selected_id_ = jobs_[static_cast<std::size_t>(std::clamp<std::ptrdiff_t>(target, 0, last))].op_id;
}

}  // namespace ktrdr::cli
