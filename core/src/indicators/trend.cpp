// Moving averages and trend indicators: sma, ema, wma, macd, adx, parabolicsar, ichimoku, supertrend, zigzag.
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

}  // namespace

std::vector<Column> compute_sma(const ComputeContext& c) {
  const size_t period = static_cast<size_t>(c.p.i("period"));
  return take(rolling_mean(c.source(), period, period));
}

std::vector<Column> compute_ema(const ComputeContext& c) {
  return take(ewm_mean(c.source(), com_from_span(c.p.i("period")), c.p.b("adjust")));
}

std::vector<Column> compute_wma(const ComputeContext& c) {
  const auto x = c.source();
  const size_t period = static_cast<size_t>(c.p.i("period"));
  const size_t n = x.size();
  // np.arange(1, period+1).sum() is an integer; weights * x promotes to float64.
  const double weights_sum = static_cast<double>(period * (period + 1) / 2);
  Column out = new_column(n, kNaN);
  std::vector<double> prod(period);
  for (size_t t = period - 1; t < n; ++t) {
    const size_t s = t + 1 - period;
    bool any_nan = false;
    for (size_t k = 0; k < period; ++k) {
      prod[k] = static_cast<double>(k + 1) * x[s + k];
      any_nan = any_nan || is_nan(x[s + k]);
    }
    if (any_nan) continue;  // rolling(window).apply: min_periods = window
    out[t] = pairwise_sum(prod.data(), period) / weights_sum;
  }
  return take(out);
}

std::vector<Column> compute_macd(const ComputeContext& c) {
  const auto x = c.source();
  const Column fast = ewm_mean(x, com_from_span(c.p.i("fast_period")), false);
  const Column slow = ewm_mean(x, com_from_span(c.p.i("slow_period")), false);
  const size_t n = x.size();
  Column line = new_column(n);
  for (size_t t = 0; t < n; ++t) line[t] = fast[t] - slow[t];
  Column signal = ewm_mean(line, com_from_span(c.p.i("signal_period")), false);
  Column hist = new_column(n);
  for (size_t t = 0; t < n; ++t) hist[t] = line[t] - signal[t];
  return take(std::move(line), std::move(signal), std::move(hist));
}

// One pass: true range, +DM/-DM, their three Wilder smoothings, +DI/-DI, DX and its smoothing, row by row
// (the column form made ten 8 MB temporaries at 1 M bars). Each value is computed as the column form computes
// it: the same operations on the same operands, in the same order.
std::vector<Column> compute_adx(const ComputeContext& c) {
  const int period = c.p.i("period");
  const auto& h = c.bars.high;
  const auto& l = c.bars.low;
  const auto& cl = c.bars.close;
  const size_t n = c.bars.size();
  const double com = com_from_alpha(1.0 / period);  // Wilder smoothing: ewm(alpha=1/period, adjust=False)
  EwmMean trs(com, false), dps(com, false), dms(com, false), adx_ewm(com, false);
  Column adx = new_column(n), di_plus = new_column(n), di_minus = new_column(n);
  for (size_t t = 0; t < n; ++t) {
    double tr = h[t] - l[t];
    double dm_plus = 0.0, dm_minus = 0.0;
    if (t > 0) {
      tr = true_range_value(h[t], l[t], cl[t - 1]);
      const double up = h[t] - h[t - 1];
      const double dn = l[t - 1] - l[t];
      if (up > dn && up > 0) dm_plus = up;
      if (dn > up && dn > 0) dm_minus = dn;
    }
    const double tr_s = trs.next(tr);
    const double dp_s = dps.next(dm_plus);
    const double dm_s = dms.next(dm_minus);
    double dip = 0.0, dim = 0.0, dx = 0.0;
    if (tr_s != 0) {
      const double p = (dp_s / tr_s) * 100;
      const double m = (dm_s / tr_s) * 100;
      dip = is_nan(p) ? 0.0 : p;
      dim = is_nan(m) ? 0.0 : m;
    }
    const double sum = dip + dim;
    if (sum != 0) {
      const double v = (std::fabs(dip - dim) / sum) * 100;
      dx = is_nan(v) ? 0.0 : v;
    }
    di_plus[t] = dip;
    di_minus[t] = dim;
    adx[t] = adx_ewm.next(dx);
  }
  return take(std::move(adx), std::move(di_plus), std::move(di_minus));
}

std::vector<Column> compute_parabolicsar(const ComputeContext& c) {
  const double initial_af = c.p.f("initial_af");
  const double step_af = c.p.f("step_af");
  const double max_af = c.p.f("max_af");
  const auto& h = c.bars.high;
  const auto& l = c.bars.low;
  const auto& cl = c.bars.close;
  const size_t n = c.bars.size();
  Column sar = new_column(n, kNaN);
  if (n < 2) return take(sar);
  bool up = cl[1] > cl[0];
  double ep = up ? h[1] : l[1];
  double af = initial_af;
  sar[1] = up ? l[0] : h[0];
  for (size_t t = 2; t < n; ++t) {
    double s = sar[t - 1] + af * (ep - sar[t - 1]);
    if (up) {
      if (l[t] <= s) {
        up = false;
        s = ep;
        af = initial_af;
        ep = l[t];
      } else {
        s = std::min({s, l[t - 1], l[t - 2]});
        if (h[t] > ep) {
          ep = h[t];
          af = std::min(af + step_af, max_af);
        }
      }
    } else {
      if (h[t] >= s) {
        up = true;
        s = ep;
        af = initial_af;
        ep = h[t];
      } else {
        s = std::max({s, h[t - 1], h[t - 2]});
        if (l[t] < ep) {
          ep = l[t];
          af = std::min(af + step_af, max_af);
        }
      }
    }
    sar[t] = s;
  }
  return take(sar);
}

std::vector<Column> compute_ichimoku(const ComputeContext& c) {
  const size_t n = c.bars.size();
  auto mid = [&](size_t period) {
    const Column hh = rolling_max(c.bars.high, period, period);
    const Column ll = rolling_min(c.bars.low, period, period);
    Column m = new_column(n);
    for (size_t t = 0; t < n; ++t) m[t] = (hh[t] + ll[t]) / 2;
    return m;
  };
  Column tenkan = mid(static_cast<size_t>(c.p.i("tenkan_period")));
  Column kijun = mid(static_cast<size_t>(c.p.i("kijun_period")));
  Column senkou_b = mid(static_cast<size_t>(c.p.i("senkou_b_period")));
  Column senkou_a = new_column(n);
  for (size_t t = 0; t < n; ++t) senkou_a[t] = (tenkan[t] + kijun[t]) / 2;
  Column chikou(c.bars.close.begin(), c.bars.close.end());
  return take(std::move(tenkan), std::move(kijun), std::move(senkou_a), std::move(senkou_b),
              std::move(chikou));
}

std::vector<Column> compute_supertrend(const ComputeContext& c) {
  const size_t period = static_cast<size_t>(c.p.i("period"));
  const double mult = c.p.f("multiplier");
  const auto& h = c.bars.high;
  const auto& l = c.bars.low;
  const auto& cl = c.bars.close;
  const size_t n = c.bars.size();
  const Column atr = rolling_mean(true_range(h, l, cl), period, period);
  Column upper = new_column(n), lower = new_column(n);
  for (size_t t = 0; t < n; ++t) {
    const double median = (h[t] + l[t]) / 2;
    upper[t] = median + (mult * atr[t]);
    lower[t] = median - (mult * atr[t]);
  }
  Column trend = new_column(n, kNaN), direction = new_column(n, kNaN);
  // ktrdr_compat: the reference seeds the final bands at bar 0, inside the ATR warm-up; NaN comparisons then
  // keep them NaN forever. Corrected: seed at the first bar with a valid ATR.
  size_t first = 0;
  if (!c.ktrdr_compat) {
    while (first < n && is_nan(atr[first])) ++first;
  }
  if (first >= n) return take(trend, direction);
  Column fu = new_column(n, kNaN), fl = new_column(n, kNaN);
  fu[first] = upper[first];
  fl[first] = lower[first];
  for (size_t t = first + 1; t < n; ++t) {
    fu[t] = (upper[t] < fu[t - 1] || cl[t - 1] > fu[t - 1]) ? upper[t] : fu[t - 1];
    fl[t] = (lower[t] > fl[t - 1] || cl[t - 1] < fl[t - 1]) ? lower[t] : fl[t - 1];
  }
  double dir = 1;
  for (size_t t = first; t < n; ++t) {
    if (t == first || dir == 1) {
      dir = cl[t] <= fl[t] ? -1 : 1;
    } else {
      dir = cl[t] >= fu[t] ? 1 : -1;
    }
    trend[t] = dir == 1 ? fl[t] : fu[t];
    direction[t] = dir;
  }
  return take(trend, direction);
}

std::vector<Column> compute_zigzag(const ComputeContext& c) {
  const auto x = c.source();
  const double threshold = c.p.f("threshold");
  const size_t n = x.size();
  Column out = new_column(n, kNaN);
  if (n == 0) return take(out);
  // Track the current swing; a reversal beyond `threshold` confirms the previous extreme. Extending a
  // swing erases the earlier extreme (the reference's look-ahead).
  size_t last_pivot = 0;
  int trend = 0;  // 1 up, -1 down, 0 undecided
  out[0] = x[0];
  for (size_t t = 1; t < n; ++t) {
    const double pivot = x[last_pivot];
    const double change = (x[t] - pivot) / pivot;
    if (trend == 0) {
      if (std::fabs(change) >= threshold) {
        trend = change > 0 ? 1 : -1;
        last_pivot = t;
        out[t] = x[t];
      }
    } else if (trend == 1) {
      if (x[t] > pivot) {
        out[last_pivot] = kNaN;
        last_pivot = t;
        out[t] = x[t];
      } else if (-change >= threshold) {
        trend = -1;
        last_pivot = t;
        out[t] = x[t];
      }
    } else {
      if (x[t] < pivot) {
        out[last_pivot] = kNaN;
        last_pivot = t;
        out[t] = x[t];
      } else if (change >= threshold) {
        trend = 1;
        last_pivot = t;
        out[t] = x[t];
      }
    }
  }
  return take(out);
}

}  // namespace ktrdr::indicators::detail
