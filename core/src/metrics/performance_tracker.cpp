#include "ktrdr/metrics/performance_tracker.h"

namespace ktrdr::metrics {

void PerformanceTracker::reserve(size_t points) {
  state_.equity_curve.reserve(points);
  state_.returns.reserve(points);
}

void PerformanceTracker::update(int64_t ts_ns, double price, double portfolio_value, PositionSide position) {
  state_.equity_curve.push_back(EquityPoint{ts_ns, price, portfolio_value, position});
  if (state_.last_equity > 0.0) {
    state_.returns.push_back((portfolio_value - state_.last_equity) / state_.last_equity);
  }
  if (portfolio_value > state_.peak) {
    state_.peak = portfolio_value;
  } else if (state_.peak > 0.0) {  // the reference would divide by zero here (peak 0 and value <= 0)
    const double dd = (state_.peak - portfolio_value) / state_.peak;
    if (dd > state_.max_drawdown_pct) {
      state_.max_drawdown_pct = dd;
      state_.peak_at_max_drawdown = state_.peak;
    }
  }
  state_.last_equity = portfolio_value;
}

}  // namespace ktrdr::metrics
