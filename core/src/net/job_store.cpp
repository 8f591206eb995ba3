// RocksDB-backed broker state (job_store.h).
#include "ktrdr/net/job_store.h"

#include <filesystem>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "ktrdr/common/error.h"
#include "ktrdr/common/log.h"

namespace ktrdr::net {

struct JobStore::Impl {
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::WriteBatch batch;
  std::string dir;

  std::optional<std::string> get(const std::string& key) const {
    std::string value;
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), key, &value);
    if (s.IsNotFound()) return std::nullopt;
    if (!s.ok()) {
      log::error("job store {}: read {} failed: {}", dir, key, s.ToString());
      return std::nullopt;
    }
    return value;
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

proto::Status JobStore::commit(bool sync) {
  if (!has_staged()) return {};
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  rocksdb::Status s = impl_->db->Write(wo, &impl_->batch);
  impl_->batch.Clear();
  if (!s.ok()) {
    return proto::Status::error(proto::ErrorCode::kInternal, "state database {} write failed: {}", impl_->dir,
                                s.ToString());
  }
  return {};
}

proto::Status JobStore::sync_wal() {
  rocksdb::Status s = impl_->db->SyncWAL();
  if (!s.ok()) {
    return proto::Status::error(proto::ErrorCode::kInternal, "state database {} fsync failed: {}", impl_->dir,
                                s.ToString());
  }
  return {};
}

std::vector<proto::OperationInfo> JobStore::load_operations() const {
  std::vector<proto::OperationInfo> out;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek("op/"); it->Valid() && it->key().starts_with("op/"); it->Next()) {
    proto::OperationInfo op;
    const rocksdb::Slice v = it->value();
    if (proto::Status s = proto::unpack(std::string_view(v.data(), v.size()), op); !s.ok()) {
      log::warn("job store {}: skipping undecodable row {}: {}", impl_->dir, it->key().ToString(), s.message);
      continue;
    }
    out.push_back(std::move(op));
  }
  if (!it->status().ok()) log::error("job store {}: scan failed: {}", impl_->dir, it->status().ToString());
  return out;
}

std::optional<proto::OperationInfo> JobStore::get_operation(const std::string& op_id) const {
  auto v = impl_->get("op/" + op_id);
  if (!v) return std::nullopt;
  proto::OperationInfo op;
  if (!proto::unpack(*v, op).ok()) return std::nullopt;
  return op;
}

std::optional<proto::Checkpoint> JobStore::get_checkpoint(const std::string& op_id) const {
  auto v = impl_->get("ck/" + op_id);
  if (!v) return std::nullopt;
  proto::Checkpoint ck;
  if (!proto::unpack(*v, ck).ok()) return std::nullopt;
  return ck;
}

std::optional<std::string> JobStore::get_result(const std::string& op_id) const {
  return impl_->get("res/" + op_id);
}
std::optional<std::string> JobStore::find_client_key(const std::string& key) const {
  return impl_->get("key/" + key);
}

uint64_t JobStore::size_bytes() const {
  uint64_t total = 0;
  for (const char* property : {"rocksdb.total-sst-files-size", "rocksdb.cur-size-all-mem-tables"}) {
    uint64_t v = 0;
    if (impl_->db->GetIntProperty(property, &v)) total += v;
  }
  return total;
}

}  // namespace ktrdr::net
