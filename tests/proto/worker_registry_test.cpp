// Worker registry: LRU order of idle workers, capabilities, heartbeat expiry.
#include <doctest/doctest.h>

#include "ktrdr/net/worker_registry.h"

using namespace ktrdr;

namespace {
proto::WorkerReady ready(const std::string& name, std::vector<std::string> caps = {"backtest", "noop"}) {
  return proto::WorkerReady{name, std::move(caps), "", 0, 1000};
}
}  // namespace

TEST_CASE("the idle worker that waited longest is picked first") {
  net::WorkerRegistry reg(1000, 3);
  reg.add("r1", ready("w1"), 0);
  reg.add("r2", ready("w2"), 0);
  reg.add("r3", ready("w3"), 0);
  REQUIRE(reg.next_idle("backtest") != nullptr);
  CHECK(reg.next_idle("backtest")->info.worker_id == "w1");
  reg.set_busy(*reg.find("r1"), "op", 1);
  CHECK(reg.next_idle("backtest")->info.worker_id == "w2");
  reg.set_busy(*reg.find("r2"), "op2", 1);
  reg.set_idle(*reg.find("r1"));  // w1 finished: goes to the back
  CHECK(reg.next_idle("backtest")->info.worker_id == "w3");
  reg.set_busy(*reg.find("r3"), "op3", 1);
  CHECK(reg.next_idle("backtest")->info.worker_id == "w1");
  CHECK(reg.idle_count() == 1);
}

TEST_CASE("capabilities filter the candidates") {
  net::WorkerRegistry reg(1000, 3);
  reg.add("r1", ready("w1", {"noop"}), 0);
  reg.add("r2", ready("w2", {"backtest"}), 0);
  CHECK(reg.next_idle("backtest")->info.worker_id == "w2");
  CHECK(reg.next_idle("noop")->info.worker_id == "w1");
  CHECK(reg.next_idle("other") == nullptr);
}

TEST_CASE("a worker silent for liveness x interval expires, a touched one does not") {
  net::WorkerRegistry reg(1000, 3);
  reg.add("r1", ready("w1"), 0);
  reg.add("r2", ready("w2"), 0);
  reg.set_busy(*reg.find("r2"), "op", 2);
  reg.touch(*reg.find("r1"), 2500);
  CHECK(reg.expire(3000).empty());
  auto dead = reg.expire(3001);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].info.worker_id == "w2");
  CHECK(dead[0].info.op_id == "op");
  CHECK(dead[0].attempt == 2);
  CHECK(reg.size() == 1);
  CHECK(reg.expire(5501).size() == 1);
  CHECK(reg.size() == 0);
  CHECK(reg.next_idle("backtest") == nullptr);
}
