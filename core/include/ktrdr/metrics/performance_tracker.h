// Equity curve and per-bar return bookkeeping (docs/reference.md §9 "Tracker update").
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "ktrdr/decision/signal.h"

namespace ktrdr::metrics {

using decision::PositionSide;

struct EquityPoint {
  int64_t ts_ns = 0;
  double price = 0.0;  // the bar's close
  double portfolio_value = 0.0;
  PositionSide position = PositionSide::kFlat;  // after the bar

  friend bool operator==(const EquityPoint&, const EquityPoint&) = default;
};

struct TrackerState {
  std::vector<EquityPoint> equity_curve;
  std::vector<double> returns;  // per recorded bar (the reference calls them daily_returns)
  double peak = 0.0;
  double max_drawdown_pct = 0.0;      // fraction
  double peak_at_max_drawdown = 0.0;  // the peak when max_drawdown_pct was reached (corrected mode)
  double last_equity = 0.0;

  friend bool operator==(const TrackerState&, const TrackerState&) = default;
};

class PerformanceTracker {
 public:
  void reserve(size_t points);
  // Appends a point; a return when the previous value is > 0; peak and max drawdown.
  void update(int64_t ts_ns, double price, double portfolio_value, PositionSide position);

  const std::vector<EquityPoint>& equity_curve() const { return state_.equity_curve; }
  const std::vector<double>& returns() const { return state_.returns; }
  double peak() const { return state_.peak; }
  double max_drawdown_pct() const { return state_.max_drawdown_pct; }

  const TrackerState& state() const { return state_; }
  void restore(TrackerState state) { state_ = std::move(state); }
  // Moves the state out (the tracker is empty afterwards).
  TrackerState release() { return std::exchange(state_, TrackerState{}); }

 private:
  TrackerState state_;
};

}  // namespace ktrdr::metrics
