// Worker checkpoint store (RocksDB): latest-2 pruning per operation, reload after reopen, delete on success.
#include <doctest/doctest.h>

#include "ktrdr/proto/codec.h"
#include "ktrdr/worker/checkpoint_store.h"
#include "support/rocksdb_raw.h"
#include "support/temp_dir.h"

using namespace ktrdr;
using namespace ktrdr::proto;

namespace {

std::string op_id(uint32_t n) {
  return make_op_id(1700000000000000000 + n, n);
}

}  // namespace

TEST_CASE("checkpoint store keeps the latest 2 per operation and deletes on success") {
  test::TempDir dir;
  const std::string id = op_id(4);
  const std::string other = op_id(5);
  {
    auto store = worker::CheckpointStore::open(dir.str());
    for (uint64_t bar : {100u, 200u, 300u, 400u})
      REQUIRE(
          store->put(Checkpoint{id, 1, 0, bar, CheckpointReason::kPeriodic, fmt::format("s{}", bar)}).ok());
    REQUIRE(store->put(Checkpoint{other, 1, 0, 50, CheckpointReason::kCancel, "o"}).ok());
    CHECK(store->count(id) == 2);
    CHECK(store->count(other) == 1);
  }
  auto store = worker::CheckpointStore::open(dir.str());
  auto latest = store->latest(id);
  REQUIRE(latest.found());
  CHECK(latest.value->bar_index == 400);
  CHECK(latest.value->blob == "s400");
  CHECK(store->remove_all(id).ok());
  CHECK(store->count(id) == 0);
  CHECK(store->latest(id).status.code == StoreCode::kNotFound);
  CHECK(store->latest(other).value->blob == "o");
}

TEST_CASE("checkpoint store: a corrupt record is reported as corrupt, an older good one is still used") {
  test::TempDir dir;
  const std::string id = op_id(6);
  const std::string key200 = fmt::format("ck/{}/{:020d}", id, 200);
  {
    auto store = worker::CheckpointStore::open(dir.str());
    REQUIRE(store->put(Checkpoint{id, 1, 0, 100, CheckpointReason::kPeriodic, "s100"}).ok());
  }
  test::rocksdb_put_raw(dir.str(), key200, "garbage");  // newer than bar 100, does not decode
  {
    auto store = worker::CheckpointStore::open(dir.str());
    const StoreResult<Checkpoint> r = store->latest(id);
    REQUIRE(r.found());  // the newest decodable one
    CHECK(r.value->bar_index == 100);
    CHECK(r.value->blob == "s100");
    CHECK(store->remove_all(id).ok());
  }
  test::rocksdb_put_raw(dir.str(), key200, "garbage");  // now the only one
  auto store = worker::CheckpointStore::open(dir.str());
  const StoreResult<Checkpoint> r = store->latest(id);
  CHECK(r.status.code == StoreCode::kCorrupt);
  CHECK_FALSE(r.value.has_value());
  CHECK(r.status.message.find("record " + key200 + " is corrupt (7 bytes)") != std::string::npos);
}

TEST_CASE("checkpoint store: a checkpoint RocksDB cannot read is an I/O error, not missing") {
  test::TempDir dir;
  const std::string id = op_id(7);
  {
    auto store = worker::CheckpointStore::open(dir.str());
    REQUIRE(store->put(Checkpoint{id, 1, 0, 300, CheckpointReason::kShutdown, std::string(200, 'x')}).ok());
  }
  REQUIRE(test::rocksdb_damage_tables(dir.str()) >= 1);
  auto store = worker::CheckpointStore::open(dir.str());
  const StoreResult<Checkpoint> r = store->latest(id);
  CHECK(r.status.code == StoreCode::kIoError);
  CHECK(r.status.message.find("Corruption") != std::string::npos);
}
