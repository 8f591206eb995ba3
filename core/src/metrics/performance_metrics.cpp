#include "ktrdr/metrics/performance_metrics.h"

#include <algorithm>
#include <cmath>

#include "ktrdr/common/time.h"
#include "metrics/numpy_stats.h"

namespace ktrdr::metrics {
namespace {

constexpr double kClamp = 999999.0;

double clamp_ratio(double x) {
  return std::max(-kClamp, std::min(kClamp, x));
}

double mean_of(const std::vector<double>& v) {
  if (v.empty()) return 0.0;
  double s = 0.0;
  for (double x : v) s += x;  // Python sum(): left to right
  return s / static_cast<double>(v.size());
}

}  // namespace

double sanitize(double value) {
  if (std::isnan(value)) return 0.0;
  if (std::isinf(value)) return value > 0 ? kClamp : -kClamp;
  return value;
}

std::vector<NamedMetric> named_metrics(const PerformanceMetrics& m) {
  auto count = [](int64_t v) { return static_cast<double>(v); };
  return {
      {"total_return", m.total_return, false},
      {"total_return_pct", m.total_return_pct, false},
      {"annualized_return", m.annualized_return, false},
      {"volatility", m.volatility, false},
      {"sharpe_ratio", m.sharpe_ratio, false},
      {"max_drawdown", m.max_drawdown, false},
      {"max_drawdown_pct", m.max_drawdown_pct, false},
      {"total_trades", count(m.total_trades), true},
      {"winning_trades", count(m.winning_trades), true},
      {"losing_trades", count(m.losing_trades), true},
      {"win_rate", m.win_rate, false},
      {"profit_factor", m.profit_factor, false},
      {"avg_holding_period", m.avg_holding_period, false},
      {"avg_win_holding_period", m.avg_win_holding_period, false},
      {"avg_loss_holding_period", m.avg_loss_holding_period, false},
      {"avg_win", m.avg_win, false},
      {"avg_loss", m.avg_loss, false},
      {"largest_win", m.largest_win, false},
      {"largest_loss", m.largest_loss, false},
      {"calmar_ratio", m.calmar_ratio, false},
      {"sortino_ratio", m.sortino_ratio, false},
      {"recovery_factor", m.recovery_factor, false},
  };
}

PerformanceMetrics calculate_metrics(const MetricsInput& in) {
  PerformanceMetrics m;
  if (in.tracker == nullptr || in.tracker->equity_curve.empty()) return m;
  const TrackerState& tr = *in.tracker;
  const double initial = in.initial_capital;
  const double last = tr.equity_curve.back().portfolio_value;

  m.total_return = last - initial;
  m.total_return_pct = m.total_return / initial;

  double years = 0.0;
  if (in.start_ns && in.end_ns) {
    years = static_cast<double>(whole_days_between(*in.start_ns, *in.end_ns)) / 365.25;
  } else {
    years = static_cast<double>(tr.equity_curve.size()) / (252.0 * 6.5);
  }
  // A negative final equity gives NaN here (Python: a complex number, then a crash); sanitised to 0 in JSON.
  m.annualized_return = years > 0.0 ? std::pow(last / initial, 1.0 / std::max(years, 0.001)) - 1.0 : 0.0;

  const std::vector<double>& r = tr.returns;
  const double sqrt252 = std::sqrt(252.0);
  if (r.size() > 1) {
    const double sd = detail::np_std(r.data(), r.size());
    const double mean = detail::np_mean(r.data(), r.size());
    m.volatility = sd * sqrt252;
    m.sharpe_ratio = sd > 1e-10 ? clamp_ratio(mean / sd * sqrt252) : 0.0;
    std::vector<double> downside;
    for (double x : r) {
      if (x < 0.0) downside.push_back(x);
    }
    if (!downside.empty()) {
      const double dsd = detail::np_std(downside.data(), downside.size());
      m.sortino_ratio = dsd > 1e-10 ? clamp_ratio(mean / dsd * sqrt252) : 0.0;
    }
  }

  m.max_drawdown_pct = tr.max_drawdown_pct;
  const double dd_peak = in.mode == Mode::kKtrdr ? tr.peak : tr.peak_at_max_drawdown;
  m.max_drawdown = tr.max_drawdown_pct * dd_peak;

  if (in.trades != nullptr && !in.trades->empty()) {
    const auto& trades = *in.trades;
    std::vector<double> win_pnl, loss_pnl, all_hold, win_hold, loss_hold;
    for (const auto& t : trades) {
      all_hold.push_back(t.holding_period_hours);
      if (t.net_pnl > 0.0) {
        win_pnl.push_back(t.net_pnl);
        win_hold.push_back(t.holding_period_hours);
      } else if (t.net_pnl < 0.0) {
        loss_pnl.push_back(t.net_pnl);
        loss_hold.push_back(t.holding_period_hours);
      }
    }
    m.total_trades = static_cast<int64_t>(trades.size());
    m.winning_trades = static_cast<int64_t>(win_pnl.size());
    m.losing_trades = static_cast<int64_t>(loss_pnl.size());
    m.win_rate = static_cast<double>(m.winning_trades) / static_cast<double>(m.total_trades);
    double gross_profit = 0.0;
    for (double x : win_pnl) gross_profit += x;
    double gross_loss = 0.0;
    for (double x : loss_pnl) gross_loss += x;
    gross_loss = std::abs(gross_loss);
    m.profit_factor = gross_loss > 0.0 ? gross_profit / gross_loss : (gross_profit > 0.0 ? kClamp : 0.0);
    m.avg_win = mean_of(win_pnl);
    m.avg_loss = mean_of(loss_pnl);
    m.largest_win = win_pnl.empty() ? 0.0 : *std::max_element(win_pnl.begin(), win_pnl.end());
    m.largest_loss = loss_pnl.empty() ? 0.0 : *std::min_element(loss_pnl.begin(), loss_pnl.end());
    m.avg_holding_period = mean_of(all_hold);
    m.avg_win_holding_period = mean_of(win_hold);
    m.avg_loss_holding_period = mean_of(loss_hold);
  }

  m.calmar_ratio = m.max_drawdown_pct > 0.0 ? clamp_ratio(m.annualized_return / m.max_drawdown_pct) : 0.0;
  m.recovery_factor = m.max_drawdown > 0.0 ? clamp_ratio(m.total_return / m.max_drawdown) : 0.0;
  return m;
}

}  // namespace ktrdr::metrics
