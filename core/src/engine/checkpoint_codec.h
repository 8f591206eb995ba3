// Internal: the engine state a checkpoint holds, and its msgpack codec (public summary in
// ktrdr/engine/checkpoint.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ktrdr/decision/signal.h"
#include "ktrdr/engine/backtest_engine.h"
#include "ktrdr/metrics/performance_tracker.h"
#include "ktrdr/position/position_manager.h"

namespace ktrdr::engine::detail {

// Identity of a run: a checkpoint resumes only the run it came from.
struct Fingerprint {
  uint64_t n_bars = 0;
  int64_t first_ts_ns = 0;
  int64_t last_ts_ns = 0;
  uint64_t n_outputs = 0;
  uint64_t data_hash = 0;  // ts, open, close, outputs, has_features
  double initial_capital = 0.0;
  double commission = 0.0;
  double slippage = 0.0;
  double position_fraction = 0.0;
  uint64_t warmup_bars = 0;
  uint8_t mode = 0;
  std::string symbol;
  std::optional<int64_t> start_ns;
  std::optional<int64_t> end_ns;
  uint64_t decisions_hash = 0;  // DecisionConfig
  bool record_decisions = false;

  friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
};

Fingerprint make_fingerprint(const EngineInputs& inputs, const EngineOptions& options);
// Throws ktrdr::Error naming the first difference.
void require_same_run(const Fingerprint& saved, const Fingerprint& current);

// Loop variables carried from bar to bar.
struct LoopState {
  uint64_t next_bar = 0;  // absolute index of the next bar to process
  std::optional<decision::Signal> pending;
  double pending_confidence = 0.0;
  std::optional<int64_t> last_signal_ts_ns;

  friend bool operator==(const LoopState&, const LoopState&) = default;
};

struct StateView {
  const LoopState* loop = nullptr;
  const position::PositionManagerState* positions = nullptr;
  const metrics::TrackerState* tracker = nullptr;
  const std::vector<DecisionRecord>* decisions = nullptr;
};

struct DecodedCheckpoint {
  uint32_t version = 0;
  Fingerprint fingerprint;
  LoopState loop;
  position::PositionManagerState positions;
  metrics::TrackerState tracker;
  std::vector<DecisionRecord> decisions;
};

std::string encode_checkpoint(const Fingerprint& fingerprint, const StateView& state);
// Throws ktrdr::Error on anything but a well-formed blob of the current version.
DecodedCheckpoint decode_checkpoint(const std::string& blob);

}  // namespace ktrdr::engine::detail
