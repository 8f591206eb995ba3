// TopState: what the `top` dashboard keeps from list replies, the progress feed and operation events, and
// the job selection. Pure state: no sockets, no terminal.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "top_state.h"

using namespace ktrdr;
using cli::TopState;
using proto::OpState;

namespace {

constexpr int64_t kSecond = 1'000'000'000;

proto::OperationInfo op(const std::string& id, OpState state, int64_t created_s, int64_t finished_s = 0) {
  proto::OperationInfo o;
  o.op_id = id;
  o.state = state;
  o.created_ns = created_s * kSecond;
  o.finished_ns = finished_s * kSecond;
  return o;
}

proto::Progress progress(const std::string& id, uint32_t attempt, uint64_t seq, double pct,
                         const std::string& worker = "w1") {
  proto::Progress p;
  p.op_id = id;
  p.worker_id = worker;
  p.attempt = attempt;
  p.seq = seq;
  p.percentage = pct;
  p.bars_total = 1000;
  p.bars_done = static_cast<uint64_t>(pct * 10);
  return p;
}

proto::OpEvent event(const std::string& id, OpState state, int64_t ts_s, const std::string& message = "",
                     const std::string& worker = "") {
  proto::OpEvent e;
  e.op_id = id;
  e.state = state;
  e.ts_ns = ts_s * kSecond;
  e.message = message;
  e.worker_id = worker;
  return e;
}

proto::Reply list_reply(std::vector<proto::OperationInfo> ops) {
  proto::Reply r;
  r.operations = std::move(ops);
  return r;
}

std::vector<std::string> ids(const TopState& s) {
  std::vector<std::string> out;
  for (const auto& o : s.jobs()) out.push_back(o.op_id);
  return out;
}

using Ids = std::vector<std::string>;

}  // namespace

TEST_CASE("top state: before any reply there is nothing and nothing is selected") {
  TopState s;
  CHECK_FALSE(s.has_reply());
  CHECK(s.last_reply_ns() == 0);
  CHECK(s.last_feed_ns() == 0);
  CHECK(s.feed_messages() == 0);
  CHECK(s.jobs().empty());
  CHECK(s.failures().empty());
  CHECK(s.selected_index() == 0);
  CHECK(s.selected() == nullptr);
  CHECK(s.job("op_x") == nullptr);
}

TEST_CASE(
    "top state: a list reply orders running then resuming then pending oldest first then finished "
    "newest first") {
  TopState s;
  proto::Reply r =
      list_reply({op("done_old", OpState::kCompleted, 1, 10), op("pend_new", OpState::kPending, 9),
                  op("run_new", OpState::kRunning, 8), op("fail_mid", OpState::kFailed, 2, 20),
                  op("resuming", OpState::kResuming, 3), op("pend_old", OpState::kPending, 4),
                  op("cancel_new", OpState::kCancelled, 5, 30), op("run_old", OpState::kRunning, 6)});
  r.fleet.queue_length = 3;
  r.fleet.running = 2;
  r.fleet.operations = 8;
  r.fleet.workers.resize(2);
  r.fleet.workers[0].worker_id = "w1";
  r.fleet.workers[1].worker_id = "w2";
  s.on_list_reply(r, 1234);

  CHECK(s.has_reply());
  CHECK(s.last_reply_ns() == 1234);
  CHECK(ids(s) ==
        Ids{"run_old", "run_new", "resuming", "pend_old", "pend_new", "cancel_new", "fail_mid", "done_old"});
  CHECK(s.fleet().queue_length == 3);
  CHECK(s.fleet().running == 2);
  CHECK(s.fleet().operations == 8);
  REQUIRE(s.fleet().workers.size() == 2);
  CHECK(s.fleet().workers[1].worker_id == "w2");
  REQUIRE(s.job("pend_new") != nullptr);
  CHECK(s.job("pend_new")->created_ns == 9 * kSecond);
  CHECK(s.job("missing") == nullptr);
}

TEST_CASE("top state: a later list reply replaces the jobs and drops the ones it no longer lists") {
  TopState s;
  s.on_list_reply(list_reply({op("a", OpState::kRunning, 1), op("b", OpState::kPending, 2)}), 1);
  s.on_list_reply(list_reply({op("b", OpState::kRunning, 2), op("c", OpState::kPending, 3)}), 2);
  CHECK(ids(s) == Ids{"b", "c"});
  CHECK(s.job("b")->state == OpState::kRunning);
  CHECK(s.last_reply_ns() == 2);
}

TEST_CASE("top state: feed progress with a higher seq replaces and an older seq or attempt is ignored") {
  TopState s;
  s.on_list_reply(list_reply({op("a", OpState::kRunning, 1)}), 1);

  s.on_progress(progress("a", 1, 5, 50.0, "w1"), 100);
  CHECK(s.job("a")->progress.seq == 5);
  CHECK(s.job("a")->progress.percentage == 50.0);
  CHECK(s.job("a")->worker_id == "w1");

  s.on_progress(progress("a", 1, 4, 40.0, "w9"), 101);  // reordered: older than what we have
  CHECK(s.job("a")->progress.seq == 5);
  CHECK(s.job("a")->progress.percentage == 50.0);
  CHECK(s.job("a")->worker_id == "w1");

  s.on_progress(progress("a", 1, 5, 51.0), 102);  // same seq: taken (a repeat carries the same numbers)
  CHECK(s.job("a")->progress.percentage == 51.0);

  s.on_progress(progress("a", 2, 1, 10.0, "w2"), 103);  // a new attempt restarts seq on another worker
  CHECK(s.job("a")->progress.attempt == 2);
  CHECK(s.job("a")->progress.seq == 1);
  CHECK(s.job("a")->progress.percentage == 10.0);
  CHECK(s.job("a")->worker_id == "w2");

  s.on_progress(progress("a", 1, 99, 99.0, "w1"), 104);  // late message of the previous attempt
  CHECK(s.job("a")->progress.attempt == 2);
  CHECK(s.job("a")->progress.percentage == 10.0);
  CHECK(s.job("a")->worker_id == "w2");

  // every feed message counts, taken or not
  CHECK(s.feed_messages() == 5);
  CHECK(s.last_feed_ns() == 104);
}

TEST_CASE("top state: progress for a job not listed yet adds it as running on that worker") {
  TopState s;
  s.on_list_reply(list_reply({op("old", OpState::kRunning, 5), op("queued", OpState::kPending, 6)}), 1);
  s.on_progress(progress("new", 1, 1, 3.0, "w7"), 2);
  REQUIRE(s.job("new") != nullptr);
  CHECK(s.job("new")->state == OpState::kRunning);
  CHECK(s.job("new")->worker_id == "w7");
  CHECK(s.job("new")->progress.percentage == 3.0);
  // created_ns unknown (0): first among the running ones, and before every pending one
  CHECK(ids(s) == Ids{"new", "old", "queued"});
}

TEST_CASE(
    "top state: a list reply keeps newer feed progress of a running job and otherwise takes the broker's") {
  TopState s;
  s.on_list_reply(list_reply({op("a", OpState::kRunning, 1), op("b", OpState::kRunning, 2)}), 1);
  s.on_progress(progress("a", 1, 9, 90.0), 2);
  s.on_progress(progress("b", 1, 3, 30.0), 3);

  proto::OperationInfo a = op("a", OpState::kRunning, 1);
  a.progress = progress("a", 1, 7, 70.0);  // the broker stored an older snapshot than the feed showed
  proto::OperationInfo b = op("b", OpState::kRunning, 2);
  b.progress = progress("b", 1, 4, 40.0);  // the broker is ahead of the feed
  s.on_list_reply(list_reply({a, b}), 4);
  CHECK(s.job("a")->progress.seq == 9);
  CHECK(s.job("a")->progress.percentage == 90.0);
  CHECK(s.job("b")->progress.seq == 4);
  CHECK(s.job("b")->progress.percentage == 40.0);

  // once the broker says the job is no longer running, its stored progress wins
  proto::OperationInfo done = op("a", OpState::kCompleted, 1, 50);
  done.progress = progress("a", 1, 8, 100.0);
  s.on_list_reply(list_reply({done, b}), 5);
  CHECK(s.job("a")->progress.seq == 8);
  CHECK(s.job("a")->progress.percentage == 100.0);
}

TEST_CASE("top state: a completed event finishes the job at 100% and moves it among the finished") {
  TopState s;
  s.on_list_reply(list_reply({op("a", OpState::kRunning, 1), op("b", OpState::kRunning, 2),
                              op("old_done", OpState::kCompleted, 0, 5)}),
                  1);
  s.on_progress(progress("a", 1, 3, 97.5), 2);
  s.on_event(event("a", OpState::kCompleted, 60, "", "w1"), 3);
  const proto::OperationInfo* a = s.job("a");
  REQUIRE(a != nullptr);
  CHECK(a->state == OpState::kCompleted);
  CHECK(a->finished_ns == 60 * kSecond);
  CHECK(a->progress.percentage == 100.0);
  CHECK(a->worker_id == "w1");
  CHECK(ids(s) == Ids{"b", "a", "old_done"});
  CHECK(s.failures().empty());
  CHECK(s.feed_messages() == 2);
  CHECK(s.last_feed_ns() == 3);
}

TEST_CASE("top state: an event for an unknown job adds it and a non-terminal one leaves finished_ns alone") {
  TopState s;
  s.on_event(event("x", OpState::kPending, 7), 1);
  REQUIRE(s.job("x") != nullptr);
  CHECK(s.job("x")->state == OpState::kPending);
  CHECK(s.job("x")->finished_ns == 0);
  s.on_event(event("x", OpState::kRunning, 8, "", "w3"), 2);
  CHECK(s.job("x")->state == OpState::kRunning);
  CHECK(s.job("x")->worker_id == "w3");
  s.on_event(event("x", OpState::kCancelled, 9, "by user"), 3);  // no worker named: the last one stays
  CHECK(s.job("x")->state == OpState::kCancelled);
  CHECK(s.job("x")->worker_id == "w3");
  CHECK(s.job("x")->finished_ns == 9 * kSecond);
  CHECK(s.failures().empty());  // a cancellation is not a failure
}

TEST_CASE("top state: failures come from events and list replies once per job and newest first") {
  TopState s;
  s.on_event(event("a", OpState::kFailed, 10, "worker w1 lost"), 1);
  s.on_event(event("b", OpState::kFailed, 30, "model not found"), 2);
  REQUIRE(s.failures().size() == 2);
  CHECK(s.failures()[0].op_id == "b");
  CHECK(s.failures()[0].message == "model not found");
  CHECK(s.failures()[0].ts_ns == 30 * kSecond);
  CHECK(s.failures()[1].op_id == "a");

  // the list reply tells the same failure with the attempts' reasons: it replaces the text, no new entry
  proto::OperationInfo a = op("a", OpState::kFailed, 1, 11);
  a.errors = {"attempt 1: worker w1 lost", "attempt 2: worker w2 lost", "gave up after 2 attempts"};
  proto::OperationInfo b = op("b", OpState::kFailed, 2, 30);
  b.errors = {"model not found: trend/1h"};
  s.on_list_reply(list_reply({a, b}), 3);
  REQUIRE(s.failures().size() == 2);
  CHECK(s.failures()[0].op_id == "b");
  CHECK(s.failures()[0].message == "model not found: trend/1h");
  CHECK(s.failures()[1].op_id == "a");
  CHECK(s.failures()[1].message == "gave up after 2 attempts; attempt 2: worker w2 lost");
  CHECK(s.failures()[1].ts_ns == 11 * kSecond);

  // a later event for a known failure does not overwrite the fuller list text
  s.on_event(event("a", OpState::kFailed, 12, "short"), 4);
  REQUIRE(s.failures().size() == 2);
  CHECK(s.failures()[1].message == "gave up after 2 attempts; attempt 2: worker w2 lost");
}

TEST_CASE("top state: a failure whose time the list reply corrects is re-sorted newest first") {
  TopState s;
  s.on_event(event("a", OpState::kFailed, 10, "x"), 1);
  s.on_event(event("b", OpState::kFailed, 20, "y"), 2);
  proto::OperationInfo a = op("a", OpState::kFailed, 1, 40);  // the broker's time is later than b's
  a.errors = {"x"};
  proto::OperationInfo b = op("b", OpState::kFailed, 1, 20);
  b.errors = {"y"};
  s.on_list_reply(list_reply({a, b}), 3);
  REQUIRE(s.failures().size() == 2);
  CHECK(s.failures()[0].op_id == "a");
  CHECK(s.failures()[0].ts_ns == 40 * kSecond);
  CHECK(s.failures()[1].op_id == "b");
}

TEST_CASE("top state: the failure list keeps the newest kMaxFailures") {
  TopState s;
  for (int i = 1; i <= 60; ++i) s.on_event(event(fmt::format("f{}", i), OpState::kFailed, i, "boom"), i);
  REQUIRE(s.failures().size() == TopState::kMaxFailures);
  CHECK(s.failures().front().op_id == "f60");
  CHECK(s.failures().back().op_id == "f11");
}

TEST_CASE("top state: j/k selection moves within the jobs and stops at both ends") {
  TopState s;
  s.select_next();  // nothing to select
  CHECK(s.selected() == nullptr);
  s.select_previous();
  CHECK(s.selected() == nullptr);

  s.on_list_reply(list_reply({op("a", OpState::kRunning, 1), op("b", OpState::kRunning, 2),
                              op("c", OpState::kRunning, 3)}),
                  1);
  CHECK(s.selected_index() == 3);  // nothing selected: jobs().size()
  s.select_next();                 // the first press selects the first row
  CHECK(s.selected_index() == 0);
  s.select_next();
  s.select_next();
  CHECK(s.selected_index() == 2);
  s.select_next();  // stays on the last row
  REQUIRE(s.selected() != nullptr);
  CHECK(s.selected()->op_id == "c");
  s.select_previous();
  s.select_previous();
  s.select_previous();  // stays on the first row
  CHECK(s.selected_index() == 0);
  CHECK(s.selected()->op_id == "a");

  TopState fresh;
  fresh.on_list_reply(list_reply({op("a", OpState::kRunning, 1), op("b", OpState::kRunning, 2)}), 1);
  fresh.select_previous();  // k with nothing selected also selects the first row
  CHECK(fresh.selected_index() == 0);
}

TEST_CASE("top state: page and home/end moves stop at the ends like repeated j/k presses") {
  TopState s;
  s.move_selection(5);  // nothing to select
  CHECK(s.selected() == nullptr);
  std::vector<proto::OperationInfo> ops;
  for (int i = 0; i < 25; ++i) ops.push_back(op(fmt::format("op{:02}", i), OpState::kPending, i));
  s.on_list_reply(list_reply(ops), 1);

  s.move_selection(10);  // from nothing: the first step selects row 0, nine more move down
  CHECK(s.selected_index() == 9);
  s.move_selection(10);
  CHECK(s.selected_index() == 19);
  s.move_selection(10);  // PgDn near the end stops at the last row
  CHECK(s.selected_index() == 24);
  CHECK(s.selected()->op_id == "op24");
  s.move_selection(-10);
  CHECK(s.selected_index() == 14);
  s.move_selection(-25);  // Home
  CHECK(s.selected_index() == 0);
  s.move_selection(0);
  CHECK(s.selected_index() == 0);
  s.move_selection(25);  // End
  CHECK(s.selected_index() == 24);

  TopState fresh;
  fresh.on_list_reply(list_reply(ops), 1);
  fresh.move_selection(-10);  // PgUp with nothing selected selects the first row
  CHECK(fresh.selected_index() == 0);
}

TEST_CASE("top state: the selection follows its operation when rows move and resets when it goes") {
  TopState s;
  s.on_list_reply(list_reply({op("a", OpState::kRunning, 1), op("b", OpState::kRunning, 2),
                              op("c", OpState::kPending, 3)}),
                  1);
  s.select_next();
  s.select_next();
  CHECK(s.selected()->op_id == "b");
  s.on_event(event("a", OpState::kCompleted, 10), 2);  // a moves down among the finished
  CHECK(ids(s) == Ids{"b", "c", "a"});
  CHECK(s.selected_index() == 0);
  CHECK(s.selected()->op_id == "b");

  s.on_list_reply(list_reply({op("c", OpState::kRunning, 3)}), 3);  // b no longer listed
  CHECK(s.selected() == nullptr);
  CHECK(s.selected_index() == 1);
  s.select_next();
  CHECK(s.selected()->op_id == "c");
}
