// Momentum oscillators: rsi, roc, momentum, williamsr, stochastic, cci, rvi, aroon, fishertransform.
#include <algorithm>
#include <cmath>
#include <limits>

#include "indicator_defs.h"
#include "ktrdr/indicators/streaming_ops.h"

namespace ktrdr::indicators::detail {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline bool is_nan(double v) {
  return v != v;
}

// pandas Series.mean() over a slice: NaN skipped, numpy pairwise sum of the rest / count.
double nanmean(const double* x, size_t n) {
  std::vector<double> filled(x, x + n);
  size_t count = 0;
  for (double& v : filled) {
    if (is_nan(v)) {
      v = 0.0;
    } else {
      ++count;
    }
  }
  if (count == 0) return kNaN;
  return pairwise_sum(filled.data(), n) / static_cast<double>(count);
}
}  // namespace

std::vector<Column> compute_rsi(const ComputeContext& c) {
  const auto x = c.source();
  const size_t n = x.size();
  const size_t period = static_cast<size_t>(c.p.i("period"));
  // One output column; delta, gain and loss are computed on the fly (same operations as columns would).
  Column rsi = new_column(n, kNaN);
  // The sum of |delta| (NaN skipped) is only compared with 0: it is 0 iff no delta is a non-zero number.
  bool moves = false;
  for (size_t t = 1; t < n && !moves; ++t) {
    const double d = x[t] - x[t - 1];
    moves = !is_nan(d) && std::fabs(d) != 0;
  }
  if (!moves) {
    for (size_t t = period; t < n; ++t) rsi[t] = 50.0;
    return take(rsi);
  }
  auto gain = [](double d) { return d < 0 ? 0.0 : d; };             // NaN stays NaN
  auto loss = [](double d) { return d > 0 ? 0.0 : std::fabs(d); };  // abs(min(d, 0)), NaN stays NaN
  const size_t m = std::min(period, n - 1);
  std::vector<double> g(m), l(m);
  for (size_t k = 0; k < m; ++k) {
    const double d = x[k + 1] - x[k];
    g[k] = gain(d);
    l[k] = loss(d);
  }
  const double g0 = nanmean(g.data(), m);
  const double l0 = nanmean(l.data(), m);
  if (period < n) {
    if (l0 != 0) {
      const double rs = g0 / l0;
      rsi[period] = 100 - (100 / (1 + rs));
    } else {
      rsi[period] = g0 > 0 ? 100.0 : 50.0;
    }
  }
  double avg_gain = g0, avg_loss = l0;
  const double pd = static_cast<double>(period);
  for (size_t t = period + 1; t < n; ++t) {
    const double d = x[t] - x[t - 1];
    avg_gain = ((avg_gain * (pd - 1)) + gain(d)) / pd;
    avg_loss = ((avg_loss * (pd - 1)) + loss(d)) / pd;
    if (avg_loss == 0) {
      rsi[t] = avg_gain == 0 ? 50.0 : 100.0;
    } else {
      const double rs = avg_gain / avg_loss;
      rsi[t] = 100 - (100 / (1 + rs));
    }
  }
  return take(rsi);
}

std::vector<Column> compute_roc(const ComputeContext& c) {
  const auto x = c.source();
  const size_t n = x.size();
  const size_t period = static_cast<size_t>(c.p.i("period"));
  Column out = new_column(n, kNaN);
  for (size_t t = period; t < n; ++t) {
    const double prev = x[t - period];
    double v = ((x[t] - prev) / prev) * 100;
    if (std::isinf(v)) v = kNaN;
    out[t] = v;
  }
  return take(out);
}

std::vector<Column> compute_momentum(const ComputeContext& c) {
  const auto x = c.source();
  const size_t n = x.size();
  const size_t period = static_cast<size_t>(c.p.i("period"));
  Column out = new_column(n, kNaN);
  for (size_t t = period; t < n; ++t) out[t] = x[t] - x[t - period];
  return take(out);
}

// Rolling high/low taken row by row (no hh/ll columns); the same operations as the column form.
std::vector<Column> compute_williamsr(const ComputeContext& c) {
  const size_t period = static_cast<size_t>(c.p.i("period"));
  RollingExtreme<true> hh(c.bars.high, period, period);
  RollingExtreme<false> ll(c.bars.low, period, period);
  const size_t n = c.bars.size();
  Column out = new_column(n);
  for (size_t t = 0; t < n; ++t) {
    const double hi = hh.next();
    const double lo = ll.next();
    const double v = ((hi - c.bars.close[t]) / (hi - lo)) * -100;
    out[t] = is_nan(v) ? -50.0 : v;
  }
  return take(out);
}

std::vector<Column> compute_stochastic(const ComputeContext& c) {
  const size_t kp = static_cast<size_t>(c.p.i("k_period"));
  const size_t dp = static_cast<size_t>(c.p.i("d_period"));
  const size_t sk = static_cast<size_t>(c.p.i("smooth_k"));
  // One pass: rolling high/low -> raw %K -> smoothed %K (rolling mean, min_periods 1) -> %D (rolling mean of
  // %K, min_periods 1); only the two outputs are columns.
  RollingExtreme<true> hh(c.bars.high, kp, kp);
  RollingExtreme<false> ll(c.bars.low, kp, kp);
  RollingMean smooth(sk, 1);
  RollingMean d_mean(dp, 1);
  const size_t n = c.bars.size();
  Column k = new_column(n);
  Column d = new_column(n);
  for (size_t t = 0; t < n; ++t) {
    const double hi = hh.next();
    const double lo = ll.next();
    const double v = ((c.bars.close[t] - lo) / (hi - lo)) * 100;
    const double raw = is_nan(v) ? 50.0 : v;
    k[t] = sk > 1 ? smooth.next(raw) : raw;
    d[t] = d_mean.next(k[t]);
  }
  return take(std::move(k), std::move(d));
}

std::vector<Column> compute_cci(const ComputeContext& c) {
  const size_t period = static_cast<size_t>(c.p.i("period"));
  const size_t n = c.bars.size();
  Column tp = new_column(n);
  for (size_t t = 0; t < n; ++t) tp[t] = (c.bars.high[t] + c.bars.low[t] + c.bars.close[t]) / 3;
  const Column sma = rolling_mean(tp, period, period);
  Column out = new_column(n, kNaN);
  std::vector<double> dev(period);
  for (size_t t = 0; t < n; ++t) {
    if (t + 1 < period || is_nan(sma[t])) continue;
    const size_t s = t + 1 - period;
    bool any_nan = false;
    for (size_t j = 0; j < period; ++j) {
      dev[j] = std::fabs(tp[s + j] - sma[t]);
      any_nan = any_nan || is_nan(tp[s + j]);
    }
    if (any_nan) continue;
    const double md = pairwise_sum(dev.data(), period) / static_cast<double>(period);
    out[t] = (tp[t] - sma[t]) / (0.015 * md);
  }
  return take(out);
}

std::vector<Column> compute_rvi(const ComputeContext& c) {
  const size_t period = static_cast<size_t>(c.p.i("period"));
  const size_t sp = static_cast<size_t>(c.p.i("signal_period"));
  const size_t n = c.bars.size();
  Column co = new_column(n), hl = new_column(n), num = new_column(n, kNaN), den = new_column(n, kNaN);
  for (size_t t = 0; t < n; ++t) {
    co[t] = c.bars.close[t] - c.bars.open[t];
    hl[t] = c.bars.high[t] - c.bars.low[t];
  }
  for (size_t t = 3; t < n; ++t) {
    num[t] = (co[t - 3] + 2 * co[t - 2] + 2 * co[t - 1] + co[t]) / 6;
    den[t] = (hl[t - 3] + 2 * hl[t - 2] + 2 * hl[t - 1] + hl[t]) / 6;
  }
  const Column num_sma = rolling_mean(num, period, period);
  const Column den_sma = rolling_mean(den, period, period);
  Column rvi = new_column(n, kNaN);
  for (size_t t = 0; t < n; ++t) {
    if (den_sma[t] != 0) rvi[t] = num_sma[t] / den_sma[t];
  }
  Column signal = rolling_mean(rvi, sp, sp);
  return take(std::move(rvi), std::move(signal));
}

std::vector<Column> compute_aroon(const ComputeContext& c) {
  const size_t period = static_cast<size_t>(c.p.i("period"));
  const size_t n = c.bars.size();
  const auto& h = c.bars.high;
  const auto& l = c.bars.low;
  Column up = new_column(n, kNaN), down = new_column(n, kNaN), osc = new_column(n, kNaN);
  const double pd = static_cast<double>(period);
  for (size_t t = period - 1; t < n; ++t) {
    const size_t s = t + 1 - period;
    // Series.argmax/argmin: first occurrence, NaN skipped.
    size_t imax = n, imin = n;
    for (size_t j = s; j <= t; ++j) {
      if (!is_nan(h[j]) && (imax == n || h[j] > h[imax])) imax = j;
      if (!is_nan(l[j]) && (imin == n || l[j] < l[imin])) imin = j;
    }
    if (imax == n || imin == n) continue;
    up[t] = ((pd - static_cast<double>(t - imax)) / pd) * 100.0;
    down[t] = ((pd - static_cast<double>(t - imin)) / pd) * 100.0;
  }
  for (size_t t = 0; t < n; ++t) osc[t] = up[t] - down[t];
  return take(std::move(up), std::move(down), std::move(osc));
}

std::vector<Column> compute_fishertransform(const ComputeContext& c) {
  const size_t period = static_cast<size_t>(c.p.i("period"));
  const int smoothing = c.p.i("smoothing");
  const size_t n = c.bars.size();
  Column med = new_column(n);
  for (size_t t = 0; t < n; ++t) med[t] = (c.bars.high[t] + c.bars.low[t]) / 2;
  const Column hh = rolling_max(c.bars.high, period, period);
  const Column ll = rolling_min(c.bars.low, period, period);
  Column f = new_column(n);
  for (size_t t = 0; t < n; ++t) {
    const double range = hh[t] - ll[t];
    double v;
    if (range != 0) {
      v = 2 * ((med[t] - ll[t]) / range) - 1;
    } else {
      v = 0.0;
    }
    if (!is_nan(v)) v = std::clamp(v, -0.999, 0.999);
    f[t] = 0.5 * std::log((1 + v) / (1 - v));
  }
  Column fisher = ewm_mean(f, com_from_span(smoothing), false);
  Column signal = new_column(n, kNaN);
  for (size_t t = 1; t < n; ++t) signal[t] = fisher[t - 1];
  return take(std::move(fisher), std::move(signal));
}

}  // namespace ktrdr::indicators::detail
