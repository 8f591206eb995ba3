// Engine checkpoints: a versioned msgpack blob holding the whole engine state (docs/decisions.md), guarded by
// a magic string, a format version, a checksum of the payload and a fingerprint of the inputs and options.
//
// Layout (msgpack): [ "KTRDR-BT-CKPT", version, checksum u64, payload bin ]
//   payload = [ fingerprint [...], state [...] ]  (see core/src/engine/checkpoint_codec.cpp)
// Columns are little-endian raw arrays inside bin fields.
//
// Version 2 stores the equity curve compactly: the inputs are part of the run's identity (fingerprint), so
// each point's timestamp, price and bar are rebuilt from the bars on resume, and returns, peak and drawdown
// are recomputed from the values (checked against saved scalars). Per point only the portfolio value
// (float64) remains, and none inside a constant run (flat periods); positions are stored as runs. About 8
// bytes per point at most (version 1: 33 bytes plus the returns). Version 1 blobs are rejected.
#pragma once

#include <cstdint>
#include <string>

namespace ktrdr::engine {

constexpr const char* kCheckpointMagic = "KTRDR-BT-CKPT";
constexpr uint32_t kCheckpointVersion = 2;

// A summary for logs and dashboards.
struct CheckpointInfo {
  uint32_t version = 0;
  uint64_t next_bar_index = 0;  // absolute index of the first bar still to process
  uint64_t total_bars = 0;      // bars of the run (warm-up included)
  uint64_t closed_trades = 0;
  double cash = 0.0;
  bool position_open = false;
};

// Checks magic, version and checksum and reads the summary. Throws ktrdr::Error on a corrupt blob.
CheckpointInfo describe_checkpoint(const std::string& blob);

}  // namespace ktrdr::engine
