// Broker job store (RocksDB) and its WAL syncer: persist, reload after reopen, group-commit tickets.
#include <doctest/doctest.h>

#include "ktrdr/broker/job_store.h"
#include "ktrdr/broker/wal_syncer.h"
#include "ktrdr/common/error.h"
#include "support/temp_dir.h"

using namespace ktrdr;
using namespace ktrdr::proto;

namespace {

OperationInfo make_op(uint32_t n, OpState state) {
  OperationInfo op;
  op.op_id = make_op_id(1700000000000000000 + n, n);
  op.state = state;
  op.job.strategy = "trend";
  op.job.timeframe = "1h";
  op.created_ns = n;
  return op;
}

}  // namespace

TEST_CASE("job store: staged writes are invisible until commit, then survive a reopen") {
  test::TempDir dir;
  const OperationInfo a = make_op(1, OpState::kPending);
  const OperationInfo b = make_op(2, OpState::kRunning);
  {
    auto store = broker::JobStore::open(dir.path());
    store->put_operation(a);
    store->put_operation(b);
    store->put_client_key("client-key", a.op_id);
    CHECK(store->has_staged());
    CHECK_FALSE(store->get_operation(a.op_id).has_value());
    REQUIRE(store->commit(true).ok());
    CHECK_FALSE(store->has_staged());
    CHECK(store->get_operation(a.op_id).has_value());
  }
  auto store = broker::JobStore::open(dir.path());
  auto ops = store->load_operations();
  REQUIRE(ops.size() == 2);
  std::sort(ops.begin(), ops.end(), [](auto& x, auto& y) { return x.created_ns < y.created_ns; });
  CHECK(ops[0].op_id == a.op_id);
  CHECK(ops[0].state == OpState::kPending);
  CHECK(ops[1].state == OpState::kRunning);
  CHECK(ops[1].job.strategy == "trend");
  CHECK(store->find_client_key("client-key") == a.op_id);
  CHECK_FALSE(store->find_client_key("other").has_value());
}

TEST_CASE("job store: checkpoints and results") {
  test::TempDir dir;
  auto store = broker::JobStore::open(dir.path());
  const std::string id = make_op(3, OpState::kRunning).op_id;
  store->put_checkpoint(
      Checkpoint{id, 1, 1, 500, CheckpointReason::kPeriodic, std::string("\x00\x01\x02", 3)});
  store->put_result(id, R"({"total_return":1.5})");
  REQUIRE(store->commit(false).ok());
  auto ck = store->get_checkpoint(id);
  REQUIRE(ck.has_value());
  CHECK(ck->bar_index == 500);
  CHECK(ck->blob == std::string("\x00\x01\x02", 3));
  CHECK(store->get_result(id) == R"({"total_return":1.5})");
  store->delete_checkpoint(id);
  REQUIRE(store->commit(true).ok());
  CHECK_FALSE(store->get_checkpoint(id).has_value());
}

TEST_CASE("job store: a second open of the same directory fails with a clear error") {
  test::TempDir dir;
  auto store = broker::JobStore::open(dir.path());
  CHECK_THROWS_WITH_AS(broker::JobStore::open(dir.path()), doctest::Contains("another broker"), Error);
}

TEST_CASE("wal syncer: one fsync covers every request made before it started and wakes the loop") {
  test::TempDir dir;
  zmq::context_t ctx(1);
  {
    auto store = broker::JobStore::open(dir.path());
    broker::WalSyncer syncer(ctx, *store);
    CHECK(syncer.take_done().empty());
    store->put_operation(make_op(1, OpState::kPending));
    REQUIRE(store->commit(false).ok());
    const uint64_t t1 = syncer.request();
    store->put_operation(make_op(2, OpState::kPending));
    REQUIRE(store->commit(false).ok());
    const uint64_t t2 = syncer.request();
    CHECK(t1 == 1);
    CHECK(t2 == 2);
    zmq::pollitem_t item{syncer.wakeup().handle(), 0, ZMQ_POLLIN, 0};
    CHECK(zmq::poll(&item, 1, std::chrono::milliseconds(5000)) == 1);  // woken by a finished sync
    const std::vector<broker::WalSyncer::Done> done = syncer.wait_all(5000);
    REQUIRE_FALSE(done.empty());
    CHECK(done.back().ticket == 2);  // t2 (and with it t1) is durable
    for (std::size_t i = 0; i < done.size(); ++i) {
      CHECK(done[i].status.ok());
      if (i > 0) CHECK(done[i].ticket > done[i - 1].ticket);
    }
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(syncer.wait_all(5000).empty());  // nothing left to wait for: returns at once
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1));
  }
  auto reopened = broker::JobStore::open(dir.path());
  CHECK(reopened->load_operations().size() == 2);
}
