// Broker job store (RocksDB) and its WAL syncer: persist, reload after reopen, group-commit tickets.
#include <doctest/doctest.h>

#include "ktrdr/broker/job_store.h"
#include "ktrdr/broker/wal_syncer.h"
#include "ktrdr/common/error.h"
#include "support/rocksdb_raw.h"
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
    auto store = broker::JobStore::open(dir.str());
    store->put_operation(a);
    store->put_operation(b);
    store->put_client_key("client-key", a.op_id);
    CHECK(store->has_staged());
    CHECK(store->get_operation(a.op_id).status.code == StoreCode::kNotFound);
    REQUIRE(store->commit(true).ok());
    CHECK_FALSE(store->has_staged());
    CHECK(store->get_operation(a.op_id).found());
  }
  auto store = broker::JobStore::open(dir.str());
  auto ops = store->load_operations();
  REQUIRE(ops.size() == 2);
  std::sort(ops.begin(), ops.end(), [](auto& x, auto& y) { return x.created_ns < y.created_ns; });
  CHECK(ops[0].op_id == a.op_id);
  CHECK(ops[0].state == OpState::kPending);
  CHECK(ops[1].state == OpState::kRunning);
  CHECK(ops[1].job.strategy == "trend");
  CHECK(store->find_client_key("client-key").value == a.op_id);
  CHECK(store->find_client_key("other").not_found());
}

TEST_CASE("job store: checkpoints and results") {
  test::TempDir dir;
  auto store = broker::JobStore::open(dir.str());
  const std::string id = make_op(3, OpState::kRunning).op_id;
  store->put_checkpoint(
      Checkpoint{id, 1, 1, 500, CheckpointReason::kPeriodic, std::string("\x00\x01\x02", 3)});
  store->put_result(id, R"({"total_return":1.5})");
  REQUIRE(store->commit(false).ok());
  auto ck = store->get_checkpoint(id);
  REQUIRE(ck.found());
  CHECK(ck.value->bar_index == 500);
  CHECK(ck.value->blob == std::string("\x00\x01\x02", 3));
  CHECK(store->get_result(id).value == R"({"total_return":1.5})");
  store->delete_checkpoint(id);
  REQUIRE(store->commit(true).ok());
  CHECK(store->get_checkpoint(id).not_found());
}

TEST_CASE("job store: a second open of the same directory fails with a clear error") {
  test::TempDir dir;
  auto store = broker::JobStore::open(dir.str());
  CHECK_THROWS_WITH_AS(broker::JobStore::open(dir.str()), doctest::Contains("another broker"), Error);
}

TEST_CASE("wal syncer: one fsync covers every request made before it started and wakes the loop") {
  test::TempDir dir;
  zmq::context_t ctx(1);
  {
    auto store = broker::JobStore::open(dir.str());
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
  auto reopened = broker::JobStore::open(dir.str());
  CHECK(reopened->load_operations().size() == 2);
}

TEST_CASE(
    "job store: a corrupt record written straight into RocksDB is reported as corrupt, not as missing") {
  test::TempDir dir;
  const OperationInfo good = make_op(6, OpState::kPending);
  const std::string bad = make_op(7, OpState::kPending).op_id;
  {
    auto store = broker::JobStore::open(dir.str());
    store->put_operation(good);
    REQUIRE(store->commit(true).ok());
  }
  test::rocksdb_put_raw(dir.str(), "op/" + bad, "\xc1 not msgpack");
  test::rocksdb_put_raw(dir.str(), "ck/" + bad, "\x92\x01\x02");  // msgpack, but an array, not a map
  test::rocksdb_put_raw(dir.str(), "key/k1", "not-an-op-id");
  auto store = broker::JobStore::open(dir.str());

  const StoreResult<OperationInfo> op = store->get_operation(bad);
  CHECK(op.status.code == StoreCode::kCorrupt);
  CHECK_FALSE(op.value.has_value());
  CHECK(op.status.message.find("record op/" + bad + " is corrupt (13 bytes)") != std::string::npos);
  CHECK(op.status.message.find(dir.str()) != std::string::npos);
  CHECK_THROWS_WITH_AS(store->get_operation(bad).or_throw(), doctest::Contains("is corrupt"), Error);
  CHECK(store->get_checkpoint(bad).status.code == StoreCode::kCorrupt);
  const StoreResult<std::string> key = store->find_client_key("k1");
  CHECK(key.status.code == StoreCode::kCorrupt);
  CHECK(key.status.message.find(R"("not-an-op-id" is not an operation id)") != std::string::npos);
  CHECK(store->get_operation(make_op(8, OpState::kPending).op_id).not_found());  // missing stays missing
  CHECK_FALSE(store->get_operation(make_op(8, OpState::kPending).op_id).or_throw().has_value());

  std::size_t corrupt = 0;
  const std::vector<OperationInfo> loaded = store->load_operations(&corrupt);  // startup skips, counts
  REQUIRE(loaded.size() == 1);
  CHECK(loaded[0].op_id == good.op_id);
  CHECK(corrupt == 1);
}

TEST_CASE("job store: a record RocksDB cannot read is an I/O error, not missing") {
  test::TempDir dir;
  const std::string id = make_op(9, OpState::kRunning).op_id;
  {
    auto store = broker::JobStore::open(dir.str());
    store->put_operation(make_op(9, OpState::kRunning));
    store->put_result(id, R"({"total_return":2})");
    REQUIRE(store->commit(true).ok());
  }
  REQUIRE(test::rocksdb_damage_tables(dir.str()) >= 1);
  auto store = broker::JobStore::open(dir.str());
  const StoreResult<std::string> res = store->get_result(id);
  CHECK(res.status.code == StoreCode::kIoError);
  CHECK(res.status.message.find("reading res/" + id + " failed: Corruption") != std::string::npos);
  CHECK(store->get_operation(id).status.code == StoreCode::kIoError);
  CHECK_THROWS_WITH_AS((void)store->load_operations(), doctest::Contains("reading the operations failed"),
                       Error);
}
