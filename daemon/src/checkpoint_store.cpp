// Worker-side checkpoint storage in RocksDB (checkpoint_store.h).
#include "ktrdr/worker/checkpoint_store.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "ktrdr/common/error.h"
#include "ktrdr/common/log.h"
#include "ktrdr/proto/codec.h"

namespace ktrdr::worker {

struct CheckpointStore::Impl {
  std::unique_ptr<rocksdb::DB> db;
  std::string dir;

  // The keys of `op_id`'s checkpoints, ascending bar index (zero-padded); kIoError when the scan fails.
  StoreResult<std::vector<std::string>> keys(const std::string& op_id) const {
    const std::string prefix = "ck/" + op_id + "/";
    std::vector<std::string> out;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
      out.push_back(it->key().ToString());
    if (!it->status().ok()) {
      return StoreResult<std::vector<std::string>>::failed(
          StoreStatus::io_error(fmt::format("checkpoint store {}: listing the checkpoints of {} failed: {}",
                                            dir, op_id, it->status().ToString())));
    }
    return StoreResult<std::vector<std::string>>::found(std::move(out));
  }
};

CheckpointStore::CheckpointStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CheckpointStore::~CheckpointStore() = default;

std::unique_ptr<CheckpointStore> CheckpointStore::open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  KTRDR_REQUIRE(!ec, "cannot create state directory {}: {}; check --state-dir", dir, ec.message());
  rocksdb::Options options;
  options.create_if_missing = true;
  options.keep_log_file_num = 4;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  KTRDR_REQUIRE(s.ok(), "cannot open the worker checkpoint database in {}: {} (is another worker using it?)",
                dir, s.ToString());
  auto impl = std::make_unique<Impl>();
  impl->db.reset(raw);
  impl->dir = dir;
  return std::unique_ptr<CheckpointStore>(new CheckpointStore(std::move(impl)));
}

StoreStatus CheckpointStore::put(const proto::Checkpoint& ck) {
  const std::string new_key = fmt::format("ck/{}/{:020d}", ck.op_id, ck.bar_index);
  rocksdb::WriteBatch batch;
  batch.Put(new_key, proto::pack(ck));
  StoreResult<std::vector<std::string>> listed = impl_->keys(ck.op_id);
  if (!listed.found()) log::warn("{}: older checkpoints are not pruned this time", listed.status.message);
  std::vector<std::string> existing = listed.found() ? std::move(*listed.value) : std::vector<std::string>{};
  std::erase(existing, new_key);
  existing.push_back(new_key);
  std::sort(existing.begin(), existing.end());
  for (std::size_t i = 0; i + kKeepPerOperation < existing.size(); ++i) batch.Delete(existing[i]);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::Status s = impl_->db->Write(wo, &batch);
  if (!s.ok()) {
    return StoreStatus::io_error(fmt::format("checkpoint store {}: checkpoint of {} at bar {} not saved: {}",
                                             impl_->dir, ck.op_id, ck.bar_index, s.ToString()));
  }
  return {};
}

StoreResult<proto::Checkpoint> CheckpointStore::latest(const std::string& op_id) const {
  StoreResult<std::vector<std::string>> listed = impl_->keys(op_id);
  if (!listed.found()) return StoreResult<proto::Checkpoint>::failed(std::move(listed.status));
  const std::vector<std::string>& keys = *listed.value;
  StoreStatus first_failure;
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
    std::string value;
    rocksdb::Status s = impl_->db->Get(rocksdb::ReadOptions(), *it, &value);
    if (s.IsNotFound()) continue;  // pruned between the scan and the read
    StoreStatus failure;
    proto::Checkpoint ck;
    if (!s.ok()) {
      failure = StoreStatus::io_error(
          fmt::format("checkpoint store {}: reading {} failed: {}", impl_->dir, *it, s.ToString()));
    } else if (proto::Status d = proto::unpack(value, ck); !d.ok()) {
      failure = StoreStatus::corrupt(fmt::format("checkpoint store {}: record {} is corrupt ({} bytes): {}",
                                                 impl_->dir, *it, value.size(), d.message));
    } else {
      if (!first_failure.ok()) log::warn("{}; using the older {}", first_failure.message, *it);
      return StoreResult<proto::Checkpoint>::found(std::move(ck));
    }
    if (first_failure.ok()) first_failure = std::move(failure);
  }
  if (!first_failure.ok()) return StoreResult<proto::Checkpoint>::failed(std::move(first_failure));
  return StoreResult<proto::Checkpoint>::missing();
}

std::size_t CheckpointStore::count(const std::string& op_id) const {
  StoreResult<std::vector<std::string>> listed = impl_->keys(op_id);
  return listed.found() ? listed.value->size() : 0;
}

StoreStatus CheckpointStore::remove_all(const std::string& op_id) {
  StoreResult<std::vector<std::string>> listed = impl_->keys(op_id);
  if (!listed.found()) return listed.status;
  rocksdb::WriteBatch batch;
  for (const std::string& k : *listed.value) batch.Delete(k);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::Status s = impl_->db->Write(wo, &batch);
  if (!s.ok()) {
    return StoreStatus::io_error(fmt::format("checkpoint store {}: checkpoints of {} not deleted: {}",
                                             impl_->dir, op_id, s.ToString()));
  }
  return {};
}

}  // namespace ktrdr::worker
