// What the dashboard knows about the fleet: the latest list reply (operations + fleet status), refreshed
// between replies by the progress feed, plus the job selection. No terminal and no sockets here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "ktrdr/proto/messages.h"

namespace ktrdr::cli {

struct TopFailure {
  int64_t ts_ns = 0;
  std::string op_id;
  std::string message;
};

class TopState {
 public:
  static constexpr std::size_t kMaxFailures = 50;

  // A kList reply (operations page + fleet). `now_ns` = Unix epoch ns of its arrival.
  void on_list_reply(const proto::Reply& reply, int64_t now_ns);
  void on_progress(const proto::Progress& progress, int64_t now_ns);
  void on_event(const proto::OpEvent& event, int64_t now_ns);

  // Jobs in display order: running, resuming, pending (oldest first), then finished ones (newest first).
  const std::vector<proto::OperationInfo>& jobs() const { return jobs_; }
  const proto::FleetStatus& fleet() const { return fleet_; }
  const std::deque<TopFailure>& failures() const { return failures_; }  // newest first
  // The job a worker is running (nullptr when unknown).
  const proto::OperationInfo* job(const std::string& op_id) const;

  bool has_reply() const { return last_reply_ns_ != 0; }
  int64_t last_reply_ns() const { return last_reply_ns_; }
  int64_t last_feed_ns() const { return last_feed_ns_; }
  uint64_t feed_messages() const { return feed_messages_; }

  // Selection (follows the operation id when rows move). `rows` > 0 moves down, < 0 up, stopping at the first
  // and last job; with nothing selected the first step selects the first job (as one j or k press does).
  void move_selection(std::ptrdiff_t rows);
  void select_next() { move_selection(1); }
  void select_previous() { move_selection(-1); }
  std::size_t selected_index() const;  // jobs().size() when nothing is selected
  const proto::OperationInfo* selected() const;

 private:
  void sort_jobs();
  void add_failure(int64_t ts_ns, const std::string& op_id, const std::string& message, bool from_list);

  std::vector<proto::OperationInfo> jobs_;
  proto::FleetStatus fleet_;
  std::deque<TopFailure> failures_;
  std::string selected_id_;
  int64_t last_reply_ns_ = 0;
  int64_t last_feed_ns_ = 0;
  uint64_t feed_messages_ = 0;
};

}  // namespace ktrdr::cli
