// What the RocksDB stores answer (the broker's job store, a worker's checkpoint store). A missing record is
// an answer; an I/O error (RocksDB could not read or write: disk, permissions, its own checksums) and a
// corrupt record (the bytes were read but do not decode) are failures a caller must never take for
// "missing". Like rocksdb::Status: a code plus a message naming the store, the key and the cause.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "ktrdr/common/error.h"

namespace ktrdr {

enum class StoreCode : uint8_t { kOk = 0, kNotFound = 1, kIoError = 2, kCorrupt = 3 };

std::string_view to_string(StoreCode code);  // "ok" | "not_found" | "io_error" | "corrupt"

struct StoreStatus {
  StoreCode code = StoreCode::kOk;
  std::string message;  // "" when ok

  bool ok() const { return code == StoreCode::kOk; }
  static StoreStatus io_error(std::string message) { return {StoreCode::kIoError, std::move(message)}; }
  static StoreStatus corrupt(std::string message) { return {StoreCode::kCorrupt, std::move(message)}; }
  static StoreStatus not_found() { return {StoreCode::kNotFound, {}}; }
};

// One read: `value` is set exactly when the record was found and decoded (status kOk).
template <typename T>
struct StoreResult {
  StoreStatus status;
  std::optional<T> value;

  static StoreResult found(T v) { return {{}, std::move(v)}; }
  static StoreResult missing() { return {StoreStatus::not_found(), std::nullopt}; }
  static StoreResult failed(StoreStatus s) { return {std::move(s), std::nullopt}; }

  bool found() const { return status.ok(); }
  bool not_found() const { return status.code == StoreCode::kNotFound; }
  // The value, or nullopt when the key is absent; throws ktrdr::Error with the message on an I/O error or a
  // corrupt record (for code whose boundary catches and answers, like the broker's handlers).
  std::optional<T> or_throw() && {
    if (status.code == StoreCode::kIoError || status.code == StoreCode::kCorrupt) throw Error(status.message);
    return std::move(value);
  }
};

}  // namespace ktrdr
