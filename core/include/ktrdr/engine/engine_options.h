// Options of one engine run, with the reference defaults (docs/reference.md §8) and the project's
// (docs/decisions.md).
//
// Checkpoint cadence (docs/decisions.md: every N bars or T seconds, plus on cancellation and shutdown). A
// checkpoint is self-contained, so its size grows with the run (~8 bytes per equity point since format
// version 2) and N-bar checkpoints cost O(bars^2) in all: 99 blobs and 418 MB for a 1M-bar run at the
// defaults, each one also written synced to RocksDB by the worker and sent to the broker, on the engine
// thread. At ~10 M bars/s, 10 000 bars are ~1 ms of work: saving it costs far more than redoing it.
// checkpoint_min_gap_seconds lets the N-bar trigger fire only once that much wall time has passed since the
// previous checkpoint (or the start); a due bar trigger is then re-checked every 1024 bars. The T-second
// trigger, cancellation and shutdown checkpoints are unaffected. The overhead is bounded by (cost of one
// checkpoint) / gap, and the work lost on a crash by max(N bars, gap) of wall time; with gap <= T this stays
// within the policy's own T-second bound. The default is 0 (off: the N-bar cadence is exact and
// deterministic, as tests and the fleet's kill/resume tests expect); workers should set ~1 s.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ktrdr/common/mode.h"
#include "ktrdr/common/trading_costs.h"

namespace ktrdr::engine {

struct EngineOptions {
  TradingCosts costs;
  uint64_t warmup_bars = 50;  // loop starts at this bar index (reference: hard-coded 50)
  Mode mode = Mode::kCorrected;
  std::string symbol;
  // Config start/end dates: annualisation uses their whole days / 365.25 (docs/reference.md §9). Both or
  // neither.
  std::optional<int64_t> start_ns;
  std::optional<int64_t> end_ns;
  // Keep one DecisionRecord per decided bar in the result (debugging / golden comparison). Part of the
  // checkpointed state, so a resume must use the same value.
  bool record_decisions = false;

  // Hooks cadence (not part of the run's identity: may change between a run and its resume).
  uint64_t progress_every_bars = 1000;     // 0 = only at the end
  uint64_t checkpoint_every_bars = 10000;  // 0 = never by bar count
  double checkpoint_every_seconds = 30.0;  // 0 = never by time
  double checkpoint_min_gap_seconds =
      0.0;  // N-bar trigger waits this long after the last checkpoint; 0 = off

  // Throws ktrdr::Error naming the bad value and the fix.
  void validate() const;
};

}  // namespace ktrdr::engine
