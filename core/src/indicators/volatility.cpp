// Volatility and band indicators: atr, bollingerbands, bollingerbandwidth, keltnerchannels, donchianchannels,
// squeezeintensity, distancefromma.
#include <algorithm>
#include <cmath>
#include <limits>

#include "indicator_defs.h"

namespace ktrdr::indicators::detail {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline bool is_nan(double v) {
  return v != v;
}
// numpy.minimum / numpy.maximum: NaN propagates.
inline double np_min(double a, double b) {
  return (is_nan(a) || is_nan(b)) ? kNaN : (a < b ? a : b);
}
inline double np_max(double a, double b) {
  return (is_nan(a) || is_nan(b)) ? kNaN : (a > b ? a : b);
}
}  // namespace

Column bollinger_upper_lower(std::span<const double> x, int period, double mult, Column* middle,
                             Column* lower) {
  const size_t p = static_cast<size_t>(period);
  Column mid = rolling_mean(x, p, p);
  const Column sd = rolling_std(x, p, p, 1);
  const size_t n = x.size();
  Column up = new_column(n), lo = new_column(n);
  for (size_t t = 0; t < n; ++t) {
    up[t] = mid[t] + (mult * sd[t]);
    lo[t] = mid[t] - (mult * sd[t]);
  }
  if (middle) *middle = std::move(mid);
  if (lower) *lower = std::move(lo);
  return up;
}

Column keltner_upper_lower(const BarSeries& bars, int period, int atr_period, double mult, Column* middle,
                           Column* lower) {
  Column ema = ewm_mean(bars.close, com_from_span(period), false);
  const size_t ap = static_cast<size_t>(atr_period);
  const Column atr = rolling_mean(true_range(bars.high, bars.low, bars.close), ap, ap);
  const size_t n = bars.size();
  Column up = new_column(n), lo = new_column(n);
  for (size_t t = 0; t < n; ++t) {
    const double band = mult * atr[t];
    up[t] = ema[t] + band;
    lo[t] = ema[t] - band;
  }
  if (middle) *middle = std::move(ema);
  if (lower) *lower = std::move(lo);
  return up;
}

std::vector<Column> compute_atr(const ComputeContext& c) {
  const size_t period = static_cast<size_t>(c.p.i("period"));
  return take(rolling_mean(true_range(c.bars.high, c.bars.low, c.bars.close), period, period));
}

std::vector<Column> compute_bollingerbands(const ComputeContext& c) {
  Column mid, lo;
  Column up = bollinger_upper_lower(c.source(), c.p.i("period"), c.p.f("multiplier"), &mid, &lo);
  return take(std::move(up), std::move(mid), std::move(lo));
}

std::vector<Column> compute_bollingerbandwidth(const ComputeContext& c) {
  Column mid, lo;
  const Column up = bollinger_upper_lower(c.source(), c.p.i("period"), c.p.f("multiplier"), &mid, &lo);
  const size_t n = up.size();
  Column out = new_column(n);
  for (size_t t = 0; t < n; ++t) out[t] = std::fabs(mid[t]) > 1e-10 ? (up[t] - lo[t]) / mid[t] : 0.0;
  return take(out);
}

std::vector<Column> compute_keltnerchannels(const ComputeContext& c) {
  Column mid, lo;
  Column up =
      keltner_upper_lower(c.bars, c.p.i("period"), c.p.i("atr_period"), c.p.f("multiplier"), &mid, &lo);
  return take(std::move(up), std::move(mid), std::move(lo));
}

std::vector<Column> compute_donchianchannels(const ComputeContext& c) {
  const size_t period = static_cast<size_t>(c.p.i("period"));
  Column up = rolling_max(c.bars.high, period, period);
  Column lo = rolling_min(c.bars.low, period, period);
  const size_t n = up.size();
  Column mid = new_column(n);
  for (size_t t = 0; t < n; ++t) mid[t] = (up[t] + lo[t]) / 2;
  return take(std::move(up), std::move(mid), std::move(lo));
}

std::vector<Column> compute_squeezeintensity(const ComputeContext& c) {
  Column bb_lo;
  const Column bb_up =
      bollinger_upper_lower(c.source(), c.p.i("bb_period"), c.p.f("bb_multiplier"), nullptr, &bb_lo);
  Column kc_lo;
  // The reference builds KeltnerChannels(period=kc_period, multiplier=kc_multiplier): atr_period stays 10.
  const Column kc_up =
      keltner_upper_lower(c.bars, c.p.i("kc_period"), 10, c.p.f("kc_multiplier"), nullptr, &kc_lo);
  const size_t n = bb_up.size();
  Column out = new_column(n);
  for (size_t t = 0; t < n; ++t) {
    const double r = kc_up[t] - kc_lo[t];
    out[t] =
        std::fabs(r) > 1e-10 ? np_max(0, np_min((kc_up[t] - bb_up[t]) / r, (bb_lo[t] - kc_lo[t]) / r)) : 0.0;
  }
  return take(out);
}

std::vector<Column> compute_distancefromma(const ComputeContext& c) {
  const auto x = c.source();
  const int period = c.p.i("period");
  const Column ma = c.p.s("ma_type") == "EMA"
                        ? ewm_mean(x, com_from_span(period), true)
                        : rolling_mean(x, static_cast<size_t>(period), static_cast<size_t>(period));
  const size_t n = x.size();
  Column out = new_column(n);
  for (size_t t = 0; t < n; ++t) {
    if (is_nan(ma[t])) {
      out[t] = kNaN;
    } else if (std::fabs(ma[t]) <= 1e-10) {
      out[t] = 0.0;
    } else {
      out[t] = ((x[t] - ma[t]) / ma[t]) * 100;
    }
  }
  return take(out);
}

}  // namespace ktrdr::indicators::detail
