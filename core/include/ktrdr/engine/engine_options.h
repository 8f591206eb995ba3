// Options of one engine run, with the reference defaults (§8) and the project's (DECISIONS.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ktrdr/position/accounting_mode.h"

namespace ktrdr::engine {

struct EngineOptions {
  double initial_capital = 100000.0;
  double commission = 0.001;        // fraction per leg
  double slippage = 0.0005;         // fraction of price
  double position_fraction = 0.25;  // of available capital per entry
  uint64_t warmup_bars = 50;        // loop starts at this bar index (reference: hard-coded 50)
  position::AccountingMode mode = position::AccountingMode::kCorrected;
  std::string symbol;
  // Config start/end dates: annualisation uses their whole days / 365.25 (reference §9). Both or neither.
  std::optional<int64_t> start_ns;
  std::optional<int64_t> end_ns;
  // Keep one DecisionRecord per decided bar in the result (debugging / golden comparison). Part of the
  // checkpointed state, so a resume must use the same value.
  bool record_decisions = false;

  // Hooks cadence (not part of the run's identity: may change between a run and its resume).
  uint64_t progress_every_bars = 1000;     // 0 = only at the end
  uint64_t checkpoint_every_bars = 10000;  // 0 = never by bar count
  double checkpoint_every_seconds = 30.0;  // 0 = never by time

  // Throws ktrdr::Error naming the bad value and the fix.
  void validate() const;
};

}  // namespace ktrdr::engine
