// What a completed engine run produces.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "ktrdr/decision/decision_function.h"
#include "ktrdr/metrics/performance_metrics.h"
#include "ktrdr/metrics/performance_tracker.h"
#include "ktrdr/position/trade.h"

namespace ktrdr::engine {

// One decided bar (bars without features have none).
struct DecisionRecord {
  uint64_t bar_index = 0;
  int64_t ts_ns = 0;
  decision::PositionSide position = decision::PositionSide::kFlat;  // handed to the decision (after the open)
  decision::Signal signal = decision::Signal::kHold;                // after the filters
  decision::Signal raw_signal = decision::Signal::kHold;
  double confidence = 0.0;
  std::array<double, 3> probs{0.0, 0.0, 0.0};  // BUY, HOLD, SELL
  std::optional<double> predicted_return;
  decision::DecisionError error = decision::DecisionError::kNone;

  friend bool operator==(const DecisionRecord&, const DecisionRecord&) = default;
};

struct BacktestResult {
  metrics::PerformanceMetrics metrics;
  metrics::ExtendedMetrics extended;
  std::vector<position::Trade> trades;
  std::vector<metrics::EquityPoint> equity_curve;
  double final_capital = 0.0;             // cash after the force close
  uint64_t bars = 0;                      // bars given to the engine
  uint64_t loop_bars = 0;                 // bars - warm-up
  std::vector<DecisionRecord> decisions;  // only with EngineOptions::record_decisions

  friend bool operator==(const BacktestResult&, const BacktestResult&) = default;
};

}  // namespace ktrdr::engine
