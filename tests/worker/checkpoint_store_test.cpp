// Worker checkpoint store (RocksDB): latest-2 pruning per operation, reload after reopen, delete on success.
#include <doctest/doctest.h>

#include "ktrdr/proto/codec.h"
#include "ktrdr/worker/checkpoint_store.h"
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
    auto store = worker::CheckpointStore::open(dir.path());
    for (uint64_t bar : {100u, 200u, 300u, 400u})
      store->put(Checkpoint{id, 1, 0, bar, CheckpointReason::kPeriodic, fmt::format("s{}", bar)});
    store->put(Checkpoint{other, 1, 0, 50, CheckpointReason::kCancel, "o"});
    CHECK(store->count(id) == 2);
    CHECK(store->count(other) == 1);
  }
  auto store = worker::CheckpointStore::open(dir.path());
  auto latest = store->latest(id);
  REQUIRE(latest.has_value());
  CHECK(latest->bar_index == 400);
  CHECK(latest->blob == "s400");
  store->remove_all(id);
  CHECK(store->count(id) == 0);
  CHECK_FALSE(store->latest(id).has_value());
  CHECK(store->latest(other)->blob == "o");
}
