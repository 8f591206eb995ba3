// The 22 reference metrics (docs/reference.md §9) and the `extended` block (docs/decisions.md "Metrics").
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "ktrdr/common/mode.h"
#include "ktrdr/metrics/performance_tracker.h"
#include "ktrdr/position/trade.h"

namespace ktrdr::metrics {

// Field order = the reference's to_dict order.
struct PerformanceMetrics {
  double total_return = 0.0;
  double total_return_pct = 0.0;  // fraction
  double annualized_return = 0.0;
  double volatility = 0.0;
  double sharpe_ratio = 0.0;
  double max_drawdown = 0.0;
  double max_drawdown_pct = 0.0;  // fraction
  int64_t total_trades = 0;
  int64_t winning_trades = 0;
  int64_t losing_trades = 0;
  double win_rate = 0.0;  // fraction
  double profit_factor = 0.0;
  double avg_holding_period = 0.0;  // hours
  double avg_win_holding_period = 0.0;
  double avg_loss_holding_period = 0.0;
  double avg_win = 0.0;
  double avg_loss = 0.0;
  double largest_win = 0.0;
  double largest_loss = 0.0;
  double calmar_ratio = 0.0;
  double sortino_ratio = 0.0;
  double recovery_factor = 0.0;

  friend bool operator==(const PerformanceMetrics&, const PerformanceMetrics&) = default;
};

// One metric under its reference name; `is_count` for the three integer counts.
struct NamedMetric {
  std::string_view name;
  double value;
  bool is_count;
};
// The 22 metrics in reference order (raw values, not sanitised).
std::vector<NamedMetric> named_metrics(const PerformanceMetrics& m);

// Reference to_dict sanitisation: NaN -> 0, +inf -> 999999, -inf -> -999999.
double sanitize(double value);

struct MetricsInput {
  const TrackerState* tracker = nullptr;
  const std::vector<position::Trade>* trades = nullptr;  // closed trades
  double initial_capital = 100000.0;
  // Config dates for annualisation (whole days / 365.25); without both, years = points / (252 * 6.5).
  std::optional<int64_t> start_ns;
  std::optional<int64_t> end_ns;
  Mode mode = Mode::kCorrected;
};

// Reference formulas (np.std ddof=0, numpy pairwise sums, sqrt(252), clamps to +-999999). In corrected
// mode max_drawdown uses the peak at the time of the maximum drawdown instead of the final peak.
PerformanceMetrics calculate_metrics(const MetricsInput& input);

// Computed from the equity curve resampled to UTC daily closes (the last point of each calendar day).
struct ExtendedMetrics {
  double cagr = 0.0;                   // (final / initial)^(1 / years) - 1, years = curve span / 365.25 d
  double annualized_volatility = 0.0;  // std(daily returns, ddof=1) * sqrt(periods_per_year)
  double sharpe_ratio = 0.0;           // mean / std(ddof=1) * sqrt(periods_per_year), no risk-free rate
  double sortino_ratio = 0.0;          // mean / sqrt(mean(min(r, 0)^2)) * sqrt(periods_per_year)
  int periods_per_year = 252;          // 252 for weekday-only data, 365 when a point falls on a weekend
  bool weekend_data = false;           // the reason for periods_per_year
  int64_t trading_days = 0;            // daily closes
  double max_drawdown_duration_days = 0.0;  // longest peak-to-recovery time (or to the end), bar resolution
  double exposure_pct = 0.0;                // fraction of equity points with an open position
  double buy_and_hold_return_pct = 0.0;     // last price / first price - 1 over the equity curve (fraction)
  double expectancy = 0.0;                  // mean net P&L per closed trade
  double sqn = 0.0;                         // sqrt(N) * mean(net) / std(net, ddof=1); 0 with < 2 trades

  friend bool operator==(const ExtendedMetrics&, const ExtendedMetrics&) = default;
};

// Daily returns use the initial capital as the base of the first day.
ExtendedMetrics calculate_extended_metrics(const TrackerState& tracker,
                                           const std::vector<position::Trade>& trades,
                                           double initial_capital);

}  // namespace ktrdr::metrics
