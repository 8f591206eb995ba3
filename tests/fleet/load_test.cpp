// 200 small jobs on 3 workers: 200 results, no duplicates, none lost.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "fleet.h"

using namespace ktrdr::test;

TEST_CASE("200 jobs on 3 workers: 200 results, no duplicates, none lost") {
  if (const std::string m = missing_binary(); !m.empty()) KTRDR_SKIP(m << " is not built");
  Fleet f;
  f.start_broker();
  for (const char* id : {"w1", "w2", "w3"}) f.start_worker(id);
  constexpr int kJobs = 200;
  // A tiny range (about 120 bars, 70 after warm-up): the job is dominated by model load and data load.
  const std::string start = "2020-03-02", end = "2020-03-06T23:00:00Z";
  std::vector<std::string> ops;
  for (int i = 0; i < kJobs; ++i) ops.push_back(f.start_backtest(start, end));
  CHECK(std::set<std::string>(ops.begin(), ops.end()).size() == kJobs);

  std::map<std::string, std::string> state;
  const auto deadline = std::chrono::steady_clock::now() + 90s;
  nlohmann::json listed;
  size_t completed = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto r = f.submit({"list", "--limit", "1000", "--json"}, 10s);
    if (r.exit_code == 0) {
      listed = nlohmann::json::parse(r.out, nullptr, false);
      state.clear();
      completed = 0;
      for (const auto& op : listed.value("operations", nlohmann::json::array())) {
        state[op.value("operation_id", "")] = op.value("status", "");
        completed += op.value("status", "") == "completed";
      }
      if (completed == kJobs) break;
    }
    std::this_thread::sleep_for(250ms);
  }
  INFO(f.logs());
  REQUIRE(completed == kJobs);
  CHECK(listed.at("operations").size() == kJobs);
  for (const auto& op : ops) CHECK(state[op] == "completed");
  // Every worker took part; every stored result is the same backtest.
  uint64_t jobs_done = 0;
  for (const auto& w : listed.at("fleet").at("workers")) {
    CHECK(w.value("jobs_done", 0) > 0);
    jobs_done += w.value("jobs_done", uint64_t{0});
  }
  CHECK(jobs_done == kJobs);
  const std::string local = f.local_run(start, end);
  for (size_t i = 0; i < ops.size(); i += 20) CHECK(compare_results(f.results(ops[i]), local) == "");
}
