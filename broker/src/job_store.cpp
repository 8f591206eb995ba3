// RocksDB-backed broker state (job_store.h).
#include "ktrdr/broker/job_store.h"

#include <filesystem>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "ktrdr/common/error.h"
#include "ktrdr/common/log.h"

namespace ktrdr::broker {

struct JobStore::Impl {
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::WriteBatch batch;
  std::string dir;

  StoreResult<std::string> get(const std::string& key) const {
    std::string value;
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), key, &value);
    if (s.IsNotFound()) return StoreResult<std::string>::missing();
    if (!s.ok()) {
      return StoreResult<std::string>::failed(
          StoreStatus::io_error(fmt::format("job store {}: reading {} failed: {}", dir, key, s.ToString())));
    }
    return StoreResult<std::string>::found(std::move(value));
  }

  // get() + msgpack decode; a value that does not decode is kCorrupt.
  template <typename T>
  StoreResult<T> get_decoded(const std::string& key) const {
    StoreResult<std::string> raw = get(key);
    if (!raw.found()) return StoreResult<T>::failed(std::move(raw.status));
    T out;
    if (proto::Status s = proto::unpack(*raw.value, out); !s.ok()) {
      return StoreResult<T>::failed(StoreStatus::corrupt(fmt::format(
          "job store {}: record {} is corrupt ({} bytes): {}", dir, key, raw.value->size(), s.message)));
    }
    return StoreResult<T>::found(std::move(out));
  }
};

JobStore::JobStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JobStore::~JobStore() = default;

std::unique_ptr<JobStore> JobStore::open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  KTRDR_REQUIRE(!ec, "cannot create state directory {}: {}; check --state-dir and its permissions", dir,
                ec.message());
  rocksdb::Options options;
  options.create_if_missing = true;
  options.keep_log_file_num = 4;
  options.max_total_wal_size = 256u << 20;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  KTRDR_REQUIRE(s.ok(), "cannot open the broker state database in {}: {} (is another broker using it?)", dir,
                s.ToString());
  auto impl = std::make_unique<Impl>();
  impl->db.reset(raw);
  impl->dir = dir;
  return std::unique_ptr<JobStore>(new JobStore(std::move(impl)));
}

void JobStore::put_operation(const proto::OperationInfo& op) {
  impl_->batch.Put("op/" + op.op_id, proto::pack(op));
}
void JobStore::put_checkpoint(const proto::Checkpoint& ck) {
  impl_->batch.Put("ck/" + ck.op_id, proto::pack(ck));
}
void JobStore::delete_checkpoint(const std::string& op_id) {
  impl_->batch.Delete("ck/" + op_id);
}
void JobStore::put_result(const std::string& op_id, const std::string& result_json) {
  impl_->batch.Put("res/" + op_id, result_json);
}
void JobStore::put_client_key(const std::string& key, const std::string& op_id) {
  impl_->batch.Put("key/" + key, op_id);
}
bool JobStore::has_staged() const {
  return impl_->batch.Count() > 0;
}
std::size_t JobStore::staged_bytes() const {
  return impl_->batch.GetDataSize();
}

StoreStatus JobStore::commit(bool sync) {
  if (!has_staged()) return {};
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  rocksdb::Status s = impl_->db->Write(wo, &impl_->batch);
  impl_->batch.Clear();
  if (!s.ok())
    return StoreStatus::io_error(fmt::format("state database {} write failed: {}", impl_->dir, s.ToString()));
  return {};
}

StoreStatus JobStore::sync_wal() {
  rocksdb::Status s = impl_->db->SyncWAL();
  if (!s.ok())
    return StoreStatus::io_error(fmt::format("state database {} fsync failed: {}", impl_->dir, s.ToString()));
  return {};
}

std::vector<proto::OperationInfo> JobStore::load_operations(std::size_t* corrupt_rows) const {
  std::vector<proto::OperationInfo> out;
  std::size_t corrupt = 0;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek("op/"); it->Valid() && it->key().starts_with("op/"); it->Next()) {
    proto::OperationInfo op;
    const rocksdb::Slice v = it->value();
    if (proto::Status s = proto::unpack(std::string_view(v.data(), v.size()), op); !s.ok()) {
      ++corrupt;
      log::error("job store {}: skipping corrupt record {}: {}", impl_->dir, it->key().ToString(), s.message);
      continue;
    }
    out.push_back(std::move(op));
  }
  KTRDR_REQUIRE(it->status().ok(), "job store {}: reading the operations failed: {}", impl_->dir,
                it->status().ToString());
  if (corrupt_rows != nullptr) *corrupt_rows = corrupt;
  return out;
}

StoreResult<proto::OperationInfo> JobStore::get_operation(const std::string& op_id) const {
  return impl_->get_decoded<proto::OperationInfo>("op/" + op_id);
}

StoreResult<proto::Checkpoint> JobStore::get_checkpoint(const std::string& op_id) const {
  return impl_->get_decoded<proto::Checkpoint>("ck/" + op_id);
}

StoreResult<std::string> JobStore::get_result(const std::string& op_id) const {
  return impl_->get("res/" + op_id);
}

StoreResult<std::string> JobStore::find_client_key(const std::string& key) const {
  StoreResult<std::string> r = impl_->get("key/" + key);
  if (r.found() && !proto::is_valid_op_id(*r.value)) {
    return StoreResult<std::string>::failed(StoreStatus::corrupt(
        fmt::format("job store {}: record key/{} is corrupt: \"{}\" is not an operation id", impl_->dir, key,
                    r.value->substr(0, 64))));
  }
  return r;
}

}  // namespace ktrdr::broker
