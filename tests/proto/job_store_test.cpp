// Broker job store (RocksDB), its WAL syncer, and the worker checkpoint store: persist, reload after reopen,
// latest-2 pruning, group-commit tickets.
#include <doctest/doctest.h>

#include <filesystem>
#include <random>

#include "ktrdr/common/error.h"
#include "ktrdr/net/checkpoint_store.h"
#include "ktrdr/net/job_store.h"
#include "ktrdr/net/wal_syncer.h"

using namespace ktrdr;
using namespace ktrdr::proto;

namespace {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           fmt::format("ktrdr_proto_test_{}_{}", ::getpid(), std::random_device{}());
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

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
  TempDir dir;
  const OperationInfo a = make_op(1, OpState::kPending);
  const OperationInfo b = make_op(2, OpState::kRunning);
  {
    auto store = net::JobStore::open(dir.path.string());
    store->put_operation(a);
    store->put_operation(b);
    store->put_client_key("client-key", a.op_id);
    CHECK(store->has_staged());
    CHECK_FALSE(store->get_operation(a.op_id).has_value());
    REQUIRE(store->commit(true).ok());
    CHECK_FALSE(store->has_staged());
    CHECK(store->get_operation(a.op_id).has_value());
  }
  auto store = net::JobStore::open(dir.path.string());
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
  TempDir dir;
  auto store = net::JobStore::open(dir.path.string());
  const std::string id = make_op(3, OpState::kRunning).op_id;
  store->put_checkpoint(Checkpoint{id, 1, 1, 500, "periodic", std::string("\x00\x01\x02", 3)});
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
  TempDir dir;
  auto store = net::JobStore::open(dir.path.string());
  CHECK_THROWS_WITH_AS(net::JobStore::open(dir.path.string()), doctest::Contains("another broker"), Error);
}

TEST_CASE("checkpoint store keeps the latest 2 per operation and deletes on success") {
  TempDir dir;
  const std::string id = make_op(4, OpState::kRunning).op_id;
  const std::string other = make_op(5, OpState::kRunning).op_id;
  {
    auto store = net::CheckpointStore::open(dir.path.string());
    for (uint64_t bar : {100u, 200u, 300u, 400u})
      store->put(Checkpoint{id, 1, 0, bar, "periodic", fmt::format("s{}", bar)});
    store->put(Checkpoint{other, 1, 0, 50, "cancel", "o"});
    CHECK(store->count(id) == 2);
    CHECK(store->count(other) == 1);
  }
  auto store = net::CheckpointStore::open(dir.path.string());
  auto latest = store->latest(id);
  REQUIRE(latest.has_value());
  CHECK(latest->bar_index == 400);
  CHECK(latest->blob == "s400");
  store->remove_all(id);
  CHECK(store->count(id) == 0);
  CHECK_FALSE(store->latest(id).has_value());
  CHECK(store->latest(other)->blob == "o");
}

TEST_CASE("wal syncer: one fsync covers every request made before it started and wakes the loop") {
  TempDir dir;
  zmq::context_t ctx(1);
  {
    auto store = net::JobStore::open(dir.path.string());
    net::WalSyncer syncer(ctx, *store);
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
    const std::vector<net::WalSyncer::Done> done = syncer.wait_all(5000);
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
  auto reopened = net::JobStore::open(dir.path.string());
  CHECK(reopened->load_operations().size() == 2);
}
