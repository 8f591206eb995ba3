// Worker registry: LRU order of idle workers, capabilities, heartbeat expiry.
#include <doctest/doctest.h>

#include "ktrdr/broker/worker_registry.h"

using namespace ktrdr;

namespace {
proto::WorkerReady ready(const std::string& name, std::vector<std::string> caps = {"backtest", "noop"},
                         uint32_t prefetch = 1) {
  return proto::WorkerReady{name, std::move(caps), "", 0, 1000, prefetch};
}
}  // namespace

TEST_CASE("the idle worker that waited longest is picked first") {
  broker::WorkerRegistry reg(1000, 3);
  reg.add("r1", ready("w1"), 0);
  reg.add("r2", ready("w2"), 0);
  reg.add("r3", ready("w3"), 0);
  REQUIRE(reg.next_available("backtest") != nullptr);
  CHECK(reg.next_available("backtest")->info.worker_id == "w1");
  reg.assign(*reg.find("r1"), "op");
  CHECK(reg.find("r1")->info.state == proto::WorkerState::kBusy);
  CHECK(reg.next_available("backtest")->info.worker_id == "w2");
  reg.assign(*reg.find("r2"), "op2");
  CHECK(reg.release(*reg.find("r1"), "op"));  // w1 finished: goes to the back
  CHECK_FALSE(reg.release(*reg.find("r1"), "op"));
  CHECK(reg.find("r1")->info.state == proto::WorkerState::kIdle);
  CHECK(reg.find("r1")->info.op_id.empty());
  CHECK(reg.next_available("backtest")->info.worker_id == "w3");
  reg.assign(*reg.find("r3"), "op3");
  CHECK(reg.next_available("backtest")->info.worker_id == "w1");
  CHECK(reg.available_count() == 1);
}

TEST_CASE("capabilities filter the candidates") {
  broker::WorkerRegistry reg(1000, 3);
  reg.add("r1", ready("w1", {"noop"}), 0);
  reg.add("r2", ready("w2", {"backtest"}), 0);
  CHECK(reg.next_available("backtest")->info.worker_id == "w2");
  CHECK(reg.next_available("noop")->info.worker_id == "w1");
  CHECK(reg.next_available("other") == nullptr);
}

TEST_CASE("a worker silent for liveness x interval expires, a touched one does not") {
  broker::WorkerRegistry reg(1000, 3);
  reg.add("r1", ready("w1"), 0);
  reg.add("r2", ready("w2"), 0);
  reg.assign(*reg.find("r2"), "op");
  reg.touch(*reg.find("r1"), 2500);
  CHECK(reg.expire(3000).empty());
  auto dead = reg.expire(3001);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].info.worker_id == "w2");
  CHECK(dead[0].info.op_id == "op");
  CHECK(dead[0].jobs == std::deque<std::string>{"op"});
  CHECK(reg.size() == 1);
  CHECK(reg.expire(5501).size() == 1);
  CHECK(reg.size() == 0);
  CHECK(reg.next_available("backtest") == nullptr);
}

TEST_CASE("a worker with prefetch holds several jobs and idle workers are served first") {
  broker::WorkerRegistry reg(1000, 3);
  reg.add("r1", ready("w1", {"backtest"}, 3), 0);
  reg.add("r2", ready("w2", {"backtest"}, 1), 0);
  broker::WorkerEntry& w1 = *reg.find("r1");
  reg.assign(w1, "a");
  CHECK(reg.available_routing_ids() == std::vector<std::string>{"r2", "r1"});  // idle w2 before busy w1
  reg.assign(w1, "b");
  reg.assign(w1, "c");
  CHECK_FALSE(w1.has_room());
  CHECK(w1.info.op_id == "a");
  CHECK(w1.info.queued == 2);
  CHECK(reg.available_routing_ids() == std::vector<std::string>{"r2"});
  CHECK(reg.release(w1, "b"));  // a waiting job cancelled: room again, still running a
  CHECK(w1.info.op_id == "a");
  CHECK(w1.info.queued == 1);
  CHECK(reg.release(w1, "a"));
  CHECK(w1.info.op_id == "c");  // the next one runs
  CHECK(w1.info.state == proto::WorkerState::kBusy);
  CHECK(w1.holds("c"));
  CHECK_FALSE(w1.holds("a"));
  // prefetch outside [1, kMaxPrefetch] is clamped
  reg.add("r3", ready("w3", {"backtest"}, 0), 0);
  CHECK(reg.find("r3")->prefetch == 1);
  reg.add("r4", ready("w4", {"backtest"}, 1000), 0);
  CHECK(reg.find("r4")->prefetch == proto::kMaxPrefetch);
}
