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
  TradingCosts costs;
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

// The tracker as a checkpoint stores it (format version 2). An equity point's timestamp and price are those
// of its bar, and its bar is implied: the points of a checkpoint at next_bar are exactly the loop bars
// [warmup, next_bar) with features (the corrected-mode final point is only added after the last bar, and no
// checkpoint is written then). Returns, peak and drawdown are a pure function of the point sequence, so they
// are recomputed by replaying PerformanceTracker::update, and checked against the saved scalars. What is
// left per point: the portfolio value, and the position as runs.
struct CompactTracker {
  uint64_t points = 0;
  std::vector<uint64_t> run_start;  // first point of each run of equal position, strictly increasing
  std::vector<uint8_t> run_code;  // position | kRunConstant when the run's values are one value, bit for bit
  std::vector<double> values;     // one per point, or one per constant run
  double peak = 0.0;
  double max_drawdown_pct = 0.0;
  double peak_at_max_drawdown = 0.0;
  double last_equity = 0.0;
  uint64_t returns = 0;  // count

  static constexpr uint8_t kRunConstant = 0x80;
};

struct DecodedCheckpoint {
  uint32_t version = 0;
  Fingerprint fingerprint;
  LoopState loop;
  position::PositionManagerState positions;
  CompactTracker tracker;
  std::vector<DecisionRecord> decisions;
};

std::string encode_checkpoint(const Fingerprint& fingerprint, const StateView& state);
// Throws ktrdr::Error on anything but a well-formed blob of the current version.
DecodedCheckpoint decode_checkpoint(const std::string& blob);

// The full tracker state of a checkpoint at `next_bar`, from its compact form and the run's inputs (the
// fingerprint must have been checked). Throws ktrdr::Error when the point count or the recomputed
// returns, peak and drawdown differ from the saved ones.
metrics::TrackerState rebuild_tracker(const CompactTracker& saved, const EngineInputs& inputs,
                                      uint64_t warmup, uint64_t next_bar);

}  // namespace ktrdr::engine::detail
