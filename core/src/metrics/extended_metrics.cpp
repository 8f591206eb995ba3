#include <algorithm>
#include <cmath>

#include "ktrdr/common/time.h"
#include "ktrdr/metrics/performance_metrics.h"
#include "metrics/numpy_stats.h"

namespace ktrdr::metrics {
namespace {

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// 1970-01-01 was a Thursday: day 0 -> weekday 3 (Monday = 0).
bool is_weekend(int64_t ts_ns) {
  const int64_t day = floor_div(ts_ns, kNanosPerDay);
  const int64_t weekday = ((day % 7) + 7 + 3) % 7;
  return weekday >= 5;
}

}  // namespace

ExtendedMetrics calculate_extended_metrics(const TrackerState& tracker,
                                           const std::vector<position::Trade>& trades,
                                           double initial_capital) {
  ExtendedMetrics x;
  const auto& curve = tracker.equity_curve;

  // Trade statistics do not need the curve.
  if (!trades.empty()) {
    std::vector<double> net;
    net.reserve(trades.size());
    for (const auto& t : trades) net.push_back(t.net_pnl);
    x.expectancy = detail::np_mean(net.data(), net.size());
    if (net.size() > 1) {
      const double sd = detail::np_std(net.data(), net.size(), 1);
      if (sd > 0.0) x.sqn = std::sqrt(static_cast<double>(net.size())) * x.expectancy / sd;
    }
  }
  if (curve.empty()) return x;

  // Daily closes (UTC calendar days), weekend detection, exposure, drawdown duration.
  std::vector<double> daily;
  int64_t current_day = floor_div(curve.front().ts_ns, kNanosPerDay);
  size_t in_market = 0;
  double peak = -INFINITY;
  int64_t peak_ts = curve.front().ts_ns;
  int64_t longest_ns = 0;
  bool underwater = false;
  for (size_t i = 0; i < curve.size(); ++i) {
    const EquityPoint& p = curve[i];
    const int64_t day = floor_div(p.ts_ns, kNanosPerDay);
    if (day != current_day) {
      daily.push_back(curve[i - 1].portfolio_value);
      current_day = day;
    }
    if (is_weekend(p.ts_ns)) x.weekend_data = true;
    if (p.position != PositionSide::kFlat) ++in_market;
    if (p.portfolio_value >= peak) {  // recovered (or a new high): the drawdown lasted until now
      if (underwater) longest_ns = std::max(longest_ns, p.ts_ns - peak_ts);
      underwater = false;
      peak = p.portfolio_value;
      peak_ts = p.ts_ns;
    } else {
      underwater = true;
    }
  }
  if (underwater)
    longest_ns = std::max(longest_ns, curve.back().ts_ns - peak_ts);  // not recovered by the end
  daily.push_back(curve.back().portfolio_value);
  x.trading_days = static_cast<int64_t>(daily.size());
  x.periods_per_year = x.weekend_data ? 365 : 252;
  x.exposure_pct = static_cast<double>(in_market) / static_cast<double>(curve.size());
  x.max_drawdown_duration_days = static_cast<double>(longest_ns) / static_cast<double>(kNanosPerDay);
  const double first_price = curve.front().price;
  x.buy_and_hold_return_pct = first_price != 0.0 ? curve.back().price / first_price - 1.0 : 0.0;

  const double final_value = curve.back().portfolio_value;
  const double years = static_cast<double>(curve.back().ts_ns - curve.front().ts_ns) /
                       (365.25 * static_cast<double>(kNanosPerDay));
  if (years > 0.0 && initial_capital > 0.0) {
    x.cagr = final_value > 0.0 ? std::pow(final_value / initial_capital, 1.0 / years) - 1.0 : -1.0;
  }

  std::vector<double> r;
  r.reserve(daily.size());
  double prev = initial_capital;
  for (double v : daily) {
    r.push_back(prev != 0.0 ? (v - prev) / prev : 0.0);
    prev = v;
  }
  const double ann = std::sqrt(static_cast<double>(x.periods_per_year));
  if (r.size() > 1) {
    const double mean = detail::np_mean(r.data(), r.size());
    const double sd = detail::np_std(r.data(), r.size(), 1);
    x.annualized_volatility = sd * ann;
    if (sd > 1e-12) x.sharpe_ratio = mean / sd * ann;
    std::vector<double> down_sq(r.size());
    for (size_t i = 0; i < r.size(); ++i) {
      const double d = std::min(r[i], 0.0);
      down_sq[i] = d * d;
    }
    const double dd = std::sqrt(detail::np_mean(down_sq.data(), down_sq.size()));
    if (dd > 1e-12) x.sortino_ratio = mean / dd * ann;
  }
  return x;
}

}  // namespace ktrdr::metrics
