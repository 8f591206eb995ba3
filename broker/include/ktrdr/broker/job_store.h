// The broker's durable state in RocksDB: operations, the latest checkpoint per operation, results (stored
// once), client idempotency keys. Writes are staged in one batch; commit() writes it to the WAL (a process
// kill loses nothing after that) and sync_wal() makes it survive a power loss: the broker answers an accepted
// start only after an fsync that began after its batch was written (group commit, see wal_syncer.h).
// Key layout (one column family): "op/<id>" OperationInfo, "ck/<id>" Checkpoint, "res/<id>" result JSON,
// "key/<client key>" op id. Values are msgpack (result JSON verbatim).
// Errors: writes and reads return a StoreStatus / StoreResult that tells a missing record from an I/O error
// and from a corrupt record (a value that does not decode); nothing here throws after open().
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ktrdr/common/store_status.h"
#include "ktrdr/proto/codec.h"

namespace ktrdr::broker {

class JobStore {
 public:
  // Opens (creating) the database in `dir`. Throws ktrdr::Error naming the directory and RocksDB's message.
  static std::unique_ptr<JobStore> open(const std::string& dir);
  ~JobStore();
  JobStore(const JobStore&) = delete;
  JobStore& operator=(const JobStore&) = delete;

  // ---- staged writes ----
  void put_operation(const proto::OperationInfo& op);
  void put_checkpoint(const proto::Checkpoint& ck);
  void delete_checkpoint(const std::string& op_id);
  void put_result(const std::string& op_id, const std::string& result_json);
  void put_client_key(const std::string& key, const std::string& op_id);
  bool has_staged() const;
  std::size_t staged_bytes() const;
  // Writes the staged batch (fsync'd WAL when sync). kIoError with RocksDB's message on failure (the batch
  // is dropped).
  StoreStatus commit(bool sync);
  // fsyncs the WAL: everything committed so far becomes durable (group commit after commit(false)).
  StoreStatus sync_wal();

  // ---- reads (committed data only) ----
  // Every operation that decodes; corrupt rows are skipped, logged and counted in *corrupt_rows. Throws
  // ktrdr::Error naming the directory when the scan itself fails (the broker must not start on half a state).
  std::vector<proto::OperationInfo> load_operations(std::size_t* corrupt_rows = nullptr) const;
  StoreResult<proto::OperationInfo> get_operation(const std::string& op_id) const;
  StoreResult<proto::Checkpoint> get_checkpoint(const std::string& op_id) const;
  StoreResult<std::string> get_result(const std::string& op_id) const;
  StoreResult<std::string> find_client_key(const std::string& key) const;  // the op id

 private:
  struct Impl;
  explicit JobStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ktrdr::broker
