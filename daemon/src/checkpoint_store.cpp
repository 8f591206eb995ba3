// Worker-side checkpoint storage in RocksDB (checkpoint_store.h).
#include "ktrdr/worker/checkpoint_store.h"

#include <filesystem>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "ktrdr/common/error.h"
#include "ktrdr/proto/codec.h"

namespace ktrdr::worker {

struct CheckpointStore::Impl {
  std::unique_ptr<rocksdb::DB> db;
  std::string dir;

  std::vector<std::string> keys(const std::string& op_id) const {
    const std::string prefix = "ck/" + op_id + "/";
    std::vector<std::string> out;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
      out.push_back(it->key().ToString());
    return out;  // ascending bar index (zero-padded)
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

void CheckpointStore::put(const proto::Checkpoint& ck) {
  rocksdb::WriteBatch batch;
  batch.Put(fmt::format("ck/{}/{:020d}", ck.op_id, ck.bar_index), proto::pack(ck));
  std::vector<std::string> existing = impl_->keys(ck.op_id);
  const std::string new_key = fmt::format("ck/{}/{:020d}", ck.op_id, ck.bar_index);
  std::erase(existing, new_key);
  existing.push_back(new_key);
  std::sort(existing.begin(), existing.end());
  for (std::size_t i = 0; i + kKeepPerOperation < existing.size(); ++i) batch.Delete(existing[i]);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::Status s = impl_->db->Write(wo, &batch);
  KTRDR_REQUIRE(s.ok(), "checkpoint of {} not saved in {}: {}", ck.op_id, impl_->dir, s.ToString());
}

std::optional<proto::Checkpoint> CheckpointStore::latest(const std::string& op_id) const {
  std::vector<std::string> keys = impl_->keys(op_id);
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
    std::string value;
    if (!impl_->db->Get(rocksdb::ReadOptions(), *it, &value).ok()) continue;
    proto::Checkpoint ck;
    if (proto::unpack(value, ck).ok()) return ck;
  }
  return std::nullopt;
}

std::size_t CheckpointStore::count(const std::string& op_id) const {
  return impl_->keys(op_id).size();
}

void CheckpointStore::remove_all(const std::string& op_id) {
  rocksdb::WriteBatch batch;
  for (const std::string& k : impl_->keys(op_id)) batch.Delete(k);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::Status s = impl_->db->Write(wo, &batch);
  KTRDR_REQUIRE(s.ok(), "checkpoints of {} not deleted in {}: {}", op_id, impl_->dir, s.ToString());
}

}  // namespace ktrdr::worker
