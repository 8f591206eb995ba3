// Crashes: kill -9 a worker mid-run, kill -9 the broker with jobs queued and running.
#include <doctest/doctest.h>

#include <set>

#include "fleet.h"
#include "throttle.h"

using namespace ktrdr::test;

TEST_CASE("kill -9 of a worker mid-run: the job finishes on the other worker from its checkpoint") {
  if (const std::string m = missing_binary(); !m.empty()) KTRDR_SKIP(m << " is not built");
  Fleet f(checkpointing_long_runs(1000));
  f.start_broker();
  f.start_worker("victim");
  // Slowed (heartbeats stay healthy at 80 % duty), then frozen the moment a checkpoint is seen.
  Throttle slow(f.worker("victim").pid(), 40ms, 10ms);
  const std::string op = f.start_backtest("", f.last_data_timestamp());
  const auto checkpointed = f.wait_status(
      op,
      [](const nlohmann::json& s) {
        return s.value("status", "") == "running" && s.value("has_checkpoint", false);
      },
      60s);
  slow.freeze();
  REQUIRE_MESSAGE(checkpointed.value("has_checkpoint", false), checkpointed.dump() << f.logs());
  REQUIRE(checkpointed.value("worker_id", "") == "victim");
  f.start_worker("survivor");
  f.kill_worker("victim");
  const uint64_t checkpoint_bar = checkpointed.value("checkpoint_bar", uint64_t{0});

  const auto done = f.wait_status(
      op, [](const nlohmann::json& s) { return s.value("status", "") == "completed"; }, 40s);
  INFO(done.dump() << "\n" << f.logs());
  REQUIRE(done.value("status", "") == "completed");
  CHECK(done.value("worker_id", "") == "survivor");
  CHECK(done.value("attempts", 0) >= 2);
  MESSAGE("checkpoint at bar " << checkpoint_bar << " before the kill");
  CHECK(compare_results(f.results(op), f.local_run("", f.last_data_timestamp())) == "");
}

TEST_CASE("kill -9 of the broker with jobs queued and running: after a restart every job completes once") {
  if (const std::string m = missing_binary(); !m.empty()) KTRDR_SKIP(m << " is not built");
  Fleet f(checkpointing_long_runs(5000));
  f.start_broker();
  f.start_worker("w1");
  f.start_worker("w2");
  auto slow1 = std::make_unique<Throttle>(f.worker("w1").pid(), 40ms, 10ms);
  auto slow2 = std::make_unique<Throttle>(f.worker("w2").pid(), 40ms, 10ms);
  // Six jobs of different lengths: two start at once, four wait in the queue.
  const std::vector<std::string> ends = {
      f.last_data_timestamp(), "2021-06-25", "2020-12-31", "2021-03-31", "2020-09-30",
      f.last_data_timestamp()};
  std::vector<std::string> ops;
  for (const auto& end : ends) ops.push_back(f.start_backtest("", end));
  const auto running = f.wait_status(
      ops[0], [](const nlohmann::json& s) { return s.value("status", "") == "running"; }, 10s);
  REQUIRE(running.value("status", "") == "running");
  f.kill_broker();
  std::this_thread::sleep_for(300ms);
  f.start_broker();
  slow1.reset();  // full speed from here on
  slow2.reset();

  std::set<std::string> completed;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  nlohmann::json listed;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto r = f.submit({"list", "--json"}, 10s);
    if (r.exit_code == 0) {
      listed = nlohmann::json::parse(r.out, nullptr, false);
      completed.clear();
      for (const auto& op : listed.value("operations", nlohmann::json::array())) {
        if (op.value("status", "") == "completed") completed.insert(op.value("operation_id", ""));
      }
      if (completed.size() == ops.size()) break;
    }
    std::this_thread::sleep_for(200ms);
  }
  INFO(listed.dump().substr(0, 4000) << "\n" << f.logs());
  REQUIRE(completed.size() == ops.size());
  // Exactly the submitted operations: nothing duplicated, nothing invented.
  CHECK(listed.at("operations").size() == ops.size());
  for (const auto& op : ops) CHECK(completed.count(op) == 1);
  // Each result equals the uninterrupted local run over the same range.
  for (size_t i = 0; i < ops.size(); ++i) {
    if (i == 5) break;  // ops[5] repeats ops[0]'s inputs
    CHECK_MESSAGE(compare_results(f.results(ops[i]), f.local_run("", ends[i])) == "", "job " << i);
  }
  CHECK(compare_results(f.results(ops[5]), f.results(ops[0])) == "");
}
