// Volume indicators: obv, vwap, mfi, cmf, adline, volumeratio.
#include <algorithm>
#include <cmath>
#include <limits>

#include "indicator_defs.h"
#include "ktrdr/common/error.h"

namespace ktrdr::indicators::detail {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline bool is_nan(double v) {
  return v != v;
}

// Money-flow multiplier ((C-L) - (H-C)) / (H-L), 0 where H == L.
Column mf_multiplier(const BarSeries& b) {
  const size_t n = b.size();
  Column m = new_column(n);
  for (size_t t = 0; t < n; ++t) {
    const double range = b.high[t] - b.low[t];
    m[t] = range == 0 ? 0.0 : ((b.close[t] - b.low[t]) - (b.high[t] - b.close[t])) / range;
  }
  return m;
}
}  // namespace

std::vector<Column> compute_obv(const ComputeContext& c) {
  const auto& cl = c.bars.close;
  const auto& v = c.bars.volume;
  const size_t n = c.bars.size();
  Column obv = new_column(n, 0.0);
  for (size_t t = 1; t < n; ++t) {
    const double d = cl[t] - cl[t - 1];
    if (d > 0) {
      obv[t] = obv[t - 1] + v[t];
    } else if (d < 0) {
      obv[t] = obv[t - 1] - v[t];
    } else {
      obv[t] = obv[t - 1];
    }
  }
  return take(obv);
}

std::vector<Column> compute_vwap(const ComputeContext& c) {
  const int period = c.p.i("period");
  const bool typical = c.p.b("use_typical_price");
  const auto& b = c.bars;
  const size_t n = b.size();
  Column pv = new_column(n);
  const std::span<const double> vol = b.volume;
  for (size_t t = 0; t < n; ++t) {
    const double price = typical ? (b.high[t] + b.low[t] + b.close[t]) / 3 : b.close[t];
    pv[t] = price * b.volume[t];
  }
  Column num, den;
  if (period > 0) {
    num = rolling_sum(pv, static_cast<size_t>(period), 1);
    den = rolling_sum(vol, static_cast<size_t>(period), 1);
  } else {
    num.resize(n);
    den.resize(n);
    double sp = 0, sv = 0;
    // Series.cumsum: NaN skipped, and NaN where the input is NaN.
    for (size_t t = 0; t < n; ++t) {
      if (!is_nan(pv[t])) sp += pv[t];
      if (!is_nan(vol[t])) sv += vol[t];
      num[t] = is_nan(pv[t]) ? kNaN : sp;
      den[t] = is_nan(vol[t]) ? kNaN : sv;
    }
  }
  Column out = new_column(n);
  for (size_t t = 0; t < n; ++t) {
    const double v = den[t] == 0 ? kNaN : num[t] / den[t];
    out[t] = std::isinf(v) ? kNaN : v;
  }
  return take(out);
}

std::vector<Column> compute_mfi(const ComputeContext& c) {
  const auto& b = c.bars;
  const size_t period = static_cast<size_t>(c.p.i("period"));
  const size_t n = b.size();
  for (size_t t = 0; t < n; ++t) {
    KTRDR_REQUIRE(!(b.volume[t] < 0), "indicator mfi: negative volume {} at bar {}", b.volume[t], t);
  }
  Column tp = new_column(n), mf = new_column(n);
  for (size_t t = 0; t < n; ++t) {
    tp[t] = (b.high[t] + b.low[t] + b.close[t]) / 3;
    mf[t] = tp[t] * b.volume[t];
  }
  Column out = new_column(n, kNaN);
  for (size_t t = period; t < n; ++t) {
    double pos = 0, neg = 0;
    for (size_t j = t + 1 - period; j <= t; ++j) {
      const double d = tp[j] - tp[j - 1];
      if (d > 0) pos += mf[j];
      if (d < 0) neg += mf[j];
    }
    if (neg == 0) {
      out[t] = 100.0;
    } else if (pos == 0) {
      out[t] = 0.0;
    } else {
      out[t] = 100 - 100 / (1 + pos / neg);
    }
  }
  return take(out);
}

std::vector<Column> compute_cmf(const ComputeContext& c) {
  const auto& b = c.bars;
  const size_t period = static_cast<size_t>(c.p.i("period"));
  const size_t n = b.size();
  Column mfm = mf_multiplier(b);
  Column mfv = new_column(n);
  for (size_t t = 0; t < n; ++t) mfv[t] = mfm[t] * b.volume[t];
  const Column sum_mfv = rolling_sum(mfv, period, period);
  const Column sum_v = rolling_sum(b.volume, period, period);
  Column cmf = new_column(n);
  for (size_t t = 0; t < n; ++t) {
    if (is_nan(sum_v[t]) || is_nan(sum_mfv[t])) {
      cmf[t] = kNaN;
    } else {
      cmf[t] = sum_v[t] == 0 ? 0.0 : sum_mfv[t] / sum_v[t];
    }
  }
  Column momentum = new_column(n, kNaN);
  for (size_t t = 5; t < n; ++t) momentum[t] = cmf[t] - cmf[t - 5];
  Column signal = ewm_mean(cmf, com_from_span(9), false);
  Column hist = new_column(n), above = new_column(n), below = new_column(n);
  for (size_t t = 0; t < n; ++t) {
    hist[t] = cmf[t] - signal[t];
    above[t] = cmf[t] > 0 ? 1.0 : 0.0;
    below[t] = cmf[t] < 0 ? 1.0 : 0.0;
  }
  return take(std::move(cmf), std::move(mfm), std::move(mfv), std::move(momentum), std::move(signal),
              std::move(hist), std::move(above), std::move(below));
}

std::vector<Column> compute_adline(const ComputeContext& c) {
  KTRDR_REQUIRE(
      !c.p.b("use_sma_smoothing"),
      "indicator adline: use_sma_smoothing: true adds an output line_sma_{} that the reference engine "
      "rejects (outputs must be exactly line, mf_multiplier, mf_volume, roc_10, momentum_21, "
      "relative_strength); set use_sma_smoothing: false",
      c.p.i("smoothing_period"));
  const auto& b = c.bars;
  const size_t n = b.size();
  Column mfm = mf_multiplier(b);
  Column mfv = new_column(n), line = new_column(n);
  double run = 0;
  for (size_t t = 0; t < n; ++t) {
    mfv[t] = mfm[t] * b.volume[t];
    if (!is_nan(mfv[t])) run += mfv[t];
    line[t] = is_nan(mfv[t]) ? kNaN : run;
  }
  Column roc = new_column(n, kNaN), mom = new_column(n, kNaN), rs = new_column(n, kNaN);
  // pct_change(10) forward-fills NaN first.
  Column filled = line;
  for (size_t t = 1; t < n; ++t) {
    if (is_nan(filled[t])) filled[t] = filled[t - 1];
  }
  for (size_t t = 10; t < n; ++t) roc[t] = (filled[t] / filled[t - 10] - 1) * 100;
  for (size_t t = 21; t < n; ++t) mom[t] = line[t] - line[t - 21];
  const Column mean50 = rolling_mean(line, 50, 20);
  for (size_t t = 0; t < n; ++t) rs[t] = (line[t] / mean50[t] - 1) * 100;
  return take(std::move(line), std::move(mfm), std::move(mfv), std::move(roc), std::move(mom), std::move(rs));
}

std::vector<Column> compute_volumeratio(const ComputeContext& c) {
  const size_t period = static_cast<size_t>(c.p.i("period"));
  const auto& v = c.bars.volume;
  const Column sma = rolling_mean(v, period, period);
  const size_t n = v.size();
  Column out = new_column(n);
  for (size_t t = 0; t < n; ++t) out[t] = std::fabs(sma[t]) > 1e-10 ? v[t] / sma[t] : 1.0;
  return take(out);
}

}  // namespace ktrdr::indicators::detail
