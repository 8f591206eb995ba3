// Tracker and metrics on hand-computed curves (docs/reference.md §9; docs/decisions.md extended block).
#include <doctest/doctest.h>

#include <cmath>

#include "../../core/src/metrics/numpy_stats.h"
#include "ktrdr/common/time.h"
#include "ktrdr/metrics/performance_metrics.h"
#include "support/near.h"

using namespace ktrdr;
using decision::PositionSide;
using metrics::PerformanceTracker;

namespace {

const int64_t kDay0 = parse_timestamp_ns("2024-01-01T00:00:00Z", "t");  // a Monday
constexpr int64_t kH = kNanosPerHour;

position::Trade trade(double net, double hours) {
  position::Trade t;
  t.net_pnl = net;
  t.holding_period_hours = hours;
  return t;
}

PerformanceTracker curve(std::initializer_list<double> values, int64_t step = kH) {
  PerformanceTracker tr;
  int64_t t = kDay0;
  for (double v : values) {
    tr.update(t, 1.0, v, PositionSide::kFlat);
    t += step;
  }
  return tr;
}

test::Closeness near(double a, double b) {
  return test::near(a, b, 1e-12, 1e-12);
}

}  // namespace

TEST_CASE("tracker: per-point returns, peak and max drawdown") {
  const PerformanceTracker tr = curve({100.0, 110.0, 99.0, 120.0});
  REQUIRE(tr.returns().size() == 3);
  CHECK(tr.returns()[0] == (110.0 - 100.0) / 100.0);
  CHECK(tr.returns()[1] == (99.0 - 110.0) / 110.0);
  CHECK(tr.peak() == 120.0);
  CHECK(tr.max_drawdown_pct() == (110.0 - 99.0) / 110.0);
  CHECK(tr.state().peak_at_max_drawdown == 110.0);
}

TEST_CASE("the 22 metrics on a hand-computed curve") {
  const PerformanceTracker tr = curve({100.0, 110.0, 99.0, 120.0});
  const std::vector<position::Trade> trades{trade(10.0, 5.0), trade(-5.0, 3.0), trade(0.0, 1.0),
                                            trade(20.0, 7.0)};
  metrics::MetricsInput in;
  in.tracker = &tr.state();
  in.trades = &trades;
  in.initial_capital = 100.0;
  in.start_ns = kDay0;
  in.end_ns = kDay0 + 365 * kNanosPerDay + 23 * kH;  // 365 whole days
  in.mode = Mode::kKtrdr;
  const auto m = metrics::calculate_metrics(in);

  const double r[3] = {0.1, (99.0 - 110.0) / 110.0, (120.0 - 99.0) / 99.0};
  const double mean = (r[0] + r[1] + r[2]) / 3.0;
  double var = 0.0;
  for (double x : r) var += (x - mean) * (x - mean);
  const double sd = std::sqrt(var / 3.0);  // ddof = 0
  CHECK(m.total_return == 20.0);
  CHECK(m.total_return_pct == 0.2);
  CHECK(near(m.annualized_return, std::pow(1.2, 1.0 / (365.0 / 365.25)) - 1.0));
  CHECK(near(m.volatility, sd * std::sqrt(252.0)));
  CHECK(near(m.sharpe_ratio, mean / sd * std::sqrt(252.0)));
  CHECK(m.sortino_ratio == 0.0);  // one negative return: downside std 0
  CHECK(near(m.max_drawdown_pct, 0.1));
  CHECK(near(m.max_drawdown, 0.1 * 120.0));  // ktrdr: the final peak
  CHECK(m.total_trades == 4);
  CHECK(m.winning_trades == 2);
  CHECK(m.losing_trades == 1);  // zero counts in the total only
  CHECK(m.win_rate == 0.5);
  CHECK(m.profit_factor == 30.0 / 5.0);
  CHECK(m.avg_win == 15.0);
  CHECK(m.avg_loss == -5.0);
  CHECK(m.largest_win == 20.0);
  CHECK(m.largest_loss == -5.0);
  CHECK(m.avg_holding_period == 4.0);
  CHECK(m.avg_win_holding_period == 6.0);
  CHECK(m.avg_loss_holding_period == 3.0);
  CHECK(near(m.calmar_ratio, m.annualized_return / m.max_drawdown_pct));
  CHECK(near(m.recovery_factor, 20.0 / 12.0));

  in.mode = Mode::kCorrected;
  const auto c = metrics::calculate_metrics(in);
  CHECK(near(c.max_drawdown, 0.1 * 110.0));  // the peak at the time of the drawdown
  CHECK(near(c.recovery_factor, 20.0 / 11.0));
}

TEST_CASE(
    "sortino uses the population std of the negative returns - without dates years = points/(252*6.5)") {
  const PerformanceTracker tr = curve({100.0, 95.0, 97.0, 90.0, 99.0});
  metrics::MetricsInput in;
  in.tracker = &tr.state();
  in.initial_capital = 100.0;
  const auto m = metrics::calculate_metrics(in);
  const auto& r = tr.returns();
  const double mean = (r[0] + r[1] + r[2] + r[3]) / 4.0;
  const double dmean = (r[0] + r[2]) / 2.0;
  const double dsd = std::sqrt(((r[0] - dmean) * (r[0] - dmean) + (r[2] - dmean) * (r[2] - dmean)) / 2.0);
  CHECK(near(m.sortino_ratio, mean / dsd * std::sqrt(252.0)));
  CHECK(near(m.annualized_return, std::pow(0.99, 1.0 / (5.0 / (252.0 * 6.5))) - 1.0));
  CHECK(m.total_trades == 0);
  CHECK(m.profit_factor == 0.0);
}

TEST_CASE("profit factor without losses, clamps, empty curve, sanitisation") {
  const PerformanceTracker tr = curve({100.0, 101.0});
  const std::vector<position::Trade> wins{trade(1.0, 1.0)};
  metrics::MetricsInput in;
  in.tracker = &tr.state();
  in.trades = &wins;
  in.initial_capital = 100.0;
  CHECK(metrics::calculate_metrics(in).profit_factor == 999999.0);
  CHECK(metrics::calculate_metrics(in).volatility == 0.0);  // a single return

  const PerformanceTracker flat = curve({100.0, 100.0, 100.0});
  in.tracker = &flat.state();
  CHECK(metrics::calculate_metrics(in).sharpe_ratio == 0.0);  // std below 1e-10

  const metrics::TrackerState empty;
  in.tracker = &empty;
  CHECK(metrics::calculate_metrics(in) == metrics::PerformanceMetrics{});

  CHECK(metrics::sanitize(std::nan("")) == 0.0);
  CHECK(metrics::sanitize(INFINITY) == 999999.0);
  CHECK(metrics::sanitize(-INFINITY) == -999999.0);
  CHECK(metrics::sanitize(1.5) == 1.5);
  const auto names = metrics::named_metrics(metrics::PerformanceMetrics{});
  REQUIRE(names.size() == 22);
  CHECK(names.front().name == "total_return");
  CHECK(names.back().name == "recovery_factor");
}

TEST_CASE("numpy pairwise summation: 8-way unrolled blocks, then the tail, as np.sum") {
  // Sequential summation loses every +1 against 1e16 (ties round to even); numpy's order keeps them.
  const double a[9] = {1e16, 1, 1, 1, 1, 1, 1, 1, 1};
  CHECK(metrics::detail::pairwise_sum(a, 9) == 1e16 + 8);
  double sequential = 0.0;
  for (double x : a) sequential += x;
  CHECK(sequential == 1e16);
  CHECK(metrics::detail::pairwise_sum(a, 7) == 1e16);  // below 8: sequential
  CHECK(metrics::detail::np_mean(a, 9) == (1e16 + 8) / 9.0);
}

TEST_CASE("extended metrics: daily closes, 252 for weekdays, 365 with weekend data") {
  // Mon..Fri, two points a day; positions LONG on 4 of 10 points.
  PerformanceTracker tr;
  const double values[10] = {100, 101, 102, 100, 99, 103, 104, 102, 106, 108};
  for (int i = 0; i < 10; ++i) {
    const int64_t t = kDay0 + (i / 2) * kNanosPerDay + (i % 2 ? 20 : 8) * kH;
    tr.update(t, 1.0 + 0.01 * i, values[i], i >= 3 && i < 7 ? PositionSide::kLong : PositionSide::kFlat);
  }
  const std::vector<position::Trade> trades{trade(3.0, 1), trade(-1.0, 1), trade(4.0, 1)};
  const auto x = metrics::calculate_extended_metrics(tr.state(), trades, 100.0);
  CHECK(x.trading_days == 5);
  CHECK(x.periods_per_year == 252);
  CHECK_FALSE(x.weekend_data);
  const double daily[5] = {101, 100, 103, 102, 108};
  std::vector<double> r;
  double prev = 100.0;
  for (double d : daily) {
    r.push_back((d - prev) / prev);
    prev = d;
  }
  double mean = 0.0;
  for (double v : r) mean += v;
  mean /= 5.0;
  double var = 0.0, down = 0.0;
  for (double v : r) {
    var += (v - mean) * (v - mean);
    down += std::min(v, 0.0) * std::min(v, 0.0);
  }
  const double sd = std::sqrt(var / 4.0);
  CHECK(near(x.annualized_volatility, sd * std::sqrt(252.0)));
  CHECK(near(x.sharpe_ratio, mean / sd * std::sqrt(252.0)));
  CHECK(near(x.sortino_ratio, mean / std::sqrt(down / 5.0) * std::sqrt(252.0)));
  CHECK(near(x.exposure_pct, 0.4));
  CHECK(near(x.buy_and_hold_return_pct, 1.09 / 1.0 - 1.0));
  // peak 102 at day 1 08:00, recovered at day 2 20:00 (103): 36 h
  CHECK(near(x.max_drawdown_duration_days, 1.5));
  const double years = (4.0 * 24 + 12) / 24.0 / 365.25;
  CHECK(near(x.cagr, std::pow(1.08, 1.0 / years) - 1.0));
  CHECK(near(x.expectancy, 2.0));
  const double tsd = std::sqrt(((3 - 2.0) * (3 - 2.0) + 9.0 + 4.0) / 2.0);
  CHECK(near(x.sqn, std::sqrt(3.0) * 2.0 / tsd));

  tr.update(kDay0 + 5 * kNanosPerDay + 10 * kH, 2.0, 107.0, PositionSide::kFlat);  // a Saturday
  const auto w = metrics::calculate_extended_metrics(tr.state(), trades, 100.0);
  CHECK(w.weekend_data);
  CHECK(w.periods_per_year == 365);
}
