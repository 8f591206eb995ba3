// JobQueue: FIFO per job type, oldest first across types, retries at the front, O(1) removal.
#include <doctest/doctest.h>

#include "ktrdr/broker/job_queue.h"

using ktrdr::broker::JobQueue;
using Ids = std::vector<std::string>;

namespace {
Ids drain(JobQueue& q, const Ids& types) {
  Ids out;
  while (auto id = q.pop_for(types)) out.push_back(*id);
  return out;
}
}  // namespace

TEST_CASE("job queue: oldest first across types and a retry goes to the front") {
  JobQueue q;
  q.push_back("a", "backtest");
  q.push_back("b", "noop");
  q.push_back("c", "backtest");
  q.push_front("r", "noop");  // a retry: ahead of everything queued so far
  CHECK(q.size() == 4);
  CHECK(q.snapshot() == Ids{"r", "a", "b", "c"});
  CHECK(drain(q, {"backtest", "noop"}) == Ids{"r", "a", "b", "c"});
  CHECK(q.empty());
}

TEST_CASE("job queue: a worker only gets job types it can run and others are not held up") {
  JobQueue q;
  q.push_back("bt1", "backtest");
  q.push_back("n1", "noop");
  q.push_back("n2", "noop");
  CHECK(q.pop_for({"noop"}) == "n1");  // bt1 is older but a noop-only worker cannot run it
  CHECK(q.pop_for({"train"}) == std::nullopt);
  CHECK(q.pop_for({}) == std::nullopt);
  CHECK(q.snapshot() == Ids{"bt1", "n2"});
  CHECK(q.pop_for({"noop", "backtest"}) == "bt1");
}

TEST_CASE("job queue: remove and re-queue leave no ghost entries") {
  JobQueue q;
  q.push_back("a", "backtest");
  q.push_back("b", "backtest");
  q.push_back("c", "backtest");
  CHECK(q.remove("b"));
  CHECK_FALSE(q.remove("b"));
  CHECK_FALSE(q.contains("b"));
  q.push_back("a", "backtest");  // moved to the back: its old entry is stale
  CHECK(q.size() == 2);
  CHECK(q.snapshot() == Ids{"c", "a"});
  CHECK(drain(q, {"backtest"}) == Ids{"c", "a"});
  q.push_back("b", "backtest");  // a removed op can come back
  CHECK(drain(q, {"backtest"}) == Ids{"b"});
}

TEST_CASE("job queue: many removals and re-queues keep order and bounded work") {
  JobQueue q;
  for (int i = 0; i < 5000; ++i) q.push_back("op" + std::to_string(i), "backtest");
  for (int i = 0; i < 5000; i += 2) CHECK(q.remove("op" + std::to_string(i)));
  for (int round = 0; round < 3; ++round) {
    for (int i = 1; i < 5000; i += 2) q.push_back("op" + std::to_string(i), "backtest");
  }
  CHECK(q.size() == 2500);
  const Ids out = drain(q, {"backtest"});
  REQUIRE(out.size() == 2500);
  for (std::size_t k = 0; k < out.size(); ++k) CHECK(out[k] == "op" + std::to_string(2 * k + 1));
}
