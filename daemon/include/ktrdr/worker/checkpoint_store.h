// A worker's own checkpoints in RocksDB (its --state-dir), keyed by operation id: every put is synced, the
// latest 2 per operation are kept, all are deleted when the job succeeds. Lets a worker resume a job even
// when the broker lost its copy. Key: "ck/<op id>/<20-digit bar index>", value: msgpack proto::Checkpoint.
// Errors: after open(), nothing throws; every call returns a StoreStatus / StoreResult that tells a missing
// checkpoint from an I/O error and from a corrupt record.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "ktrdr/common/store_status.h"
#include "ktrdr/proto/messages.h"

namespace ktrdr::worker {

class CheckpointStore {
 public:
  static constexpr int kKeepPerOperation = 2;
  // Throws ktrdr::Error naming the directory when the database cannot be opened.
  static std::unique_ptr<CheckpointStore> open(const std::string& dir);
  ~CheckpointStore();
  CheckpointStore(const CheckpointStore&) = delete;
  CheckpointStore& operator=(const CheckpointStore&) = delete;

  // Synced write, then prunes to the latest kKeepPerOperation. kIoError with RocksDB's message on failure.
  StoreStatus put(const proto::Checkpoint& ck);
  // The newest checkpoint of `op_id` that decodes. A corrupt newer one is skipped (and logged) when an older
  // one decodes; kCorrupt when none does, kNotFound when there is none, kIoError when RocksDB fails.
  StoreResult<proto::Checkpoint> latest(const std::string& op_id) const;
  std::size_t count(const std::string& op_id) const;  // 0 when RocksDB cannot list them
  StoreStatus remove_all(const std::string& op_id);

 private:
  struct Impl;
  explicit CheckpointStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ktrdr::worker
