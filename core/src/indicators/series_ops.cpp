// Ports of pandas 1.5 `_libs/window/aggregations.pyx` (roll_sum, roll_mean, roll_var, roll_max/min, ewm) and
// numpy's pairwise summation. The order of every floating-point operation follows the originals.
#include "ktrdr/indicators/series_ops.h"

#include "ktrdr/indicators/streaming_ops.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace ktrdr::indicators {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Fixed window [s, e) ending at i: e = i + 1, s = max(0, e - window). pandas recomputes the window from
// scratch when it does not overlap the previous one (s >= previous e), i.e. for window 1.
template <typename Calc>
Column kahan_rolling(std::span<const double> x, size_t window, Calc calc) {
  const size_t n = x.size();
  Column out = new_column(n);
  KahanRun run;
  size_t prev_s = 0, prev_e = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t e = i + 1;
    const size_t s = e > window ? e - window : 0;
    if (i == 0 || s >= prev_e) {
      run.reset(x[s]);
      for (size_t j = s; j < e; ++j) run.add(x[j]);
    } else {
      for (size_t j = prev_s; j < s; ++j) run.remove(x[j]);
      for (size_t j = prev_e; j < e; ++j) run.add(x[j]);
    }
    out[i] = calc(run);
    prev_s = s;
    prev_e = e;
  }
  return out;
}

template <bool kIsMax>
Column rolling_extreme(std::span<const double> x, size_t window, size_t min_periods) {
  const size_t n = x.size();
  Column out = new_column(n);
  RollingExtreme<kIsMax> extreme(x, window, min_periods);
  for (size_t i = 0; i < n; ++i) out[i] = extreme.next();
  return out;
}

}  // namespace

Column new_column(size_t n, double fill) {
  Column c;
  c.reserve(n);
  advise_huge_pages(c.data(), n * sizeof(double));
  c.resize(n, fill);
  return c;
}

Column rolling_mean(std::span<const double> x, size_t window, size_t min_periods) {
  const long long minp = static_cast<long long>(min_periods);
  return kahan_rolling(x, window, [minp](const KahanRun& r) { return kahan_mean(r, minp); });
}

Column rolling_sum(std::span<const double> x, size_t window, size_t min_periods) {
  const long long minp = static_cast<long long>(min_periods);
  return kahan_rolling(x, window, [minp](const KahanRun& r) {
    if (r.nobs == 0 && minp == 0) return 0.0;
    if (r.nobs >= minp) {
      if (r.same_run >= r.nobs) return r.prev_value * static_cast<double>(r.nobs);
      return r.sum;
    }
    return kNaN;
  });
}

Column rolling_var(std::span<const double> x, size_t window, size_t min_periods, int ddof) {
  const size_t n = x.size();
  Column out = new_column(n);
  const double minp = static_cast<double>(min_periods == 0 ? 1 : min_periods);
  double mean = 0, ssqdm = 0, nobs = 0, comp_add = 0, comp_remove = 0, prev_value = 0;
  long long same_run = 0;
  auto add = [&](double v) {
    if (v != v) return;
    nobs += 1;
    if (v == prev_value) {
      ++same_run;
    } else {
      same_run = 1;
    }
    prev_value = v;
    const double prev_mean = mean - comp_add;
    const double y = v - comp_add;
    const double t = y - mean;
    comp_add = t + mean - y;
    const double delta = t;
    if (nobs != 0) {
      mean = mean + delta / nobs;
    } else {
      mean = 0;
    }
    ssqdm = ssqdm + (v - prev_mean) * (v - mean);
  };
  auto remove = [&](double v) {
    if (v != v) return;
    nobs -= 1;
    if (nobs != 0) {
      const double prev_mean = mean - comp_remove;
      const double y = v - comp_remove;
      const double t = y - mean;
      comp_remove = t + mean - y;
      const double delta = t;
      mean = mean - delta / nobs;
      ssqdm = ssqdm - (v - prev_mean) * (v - mean);
    } else {
      mean = 0;
      ssqdm = 0;
    }
  };
  size_t prev_s = 0, prev_e = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t e = i + 1;
    const size_t s = e > window ? e - window : 0;
    if (i == 0 || s >= prev_e) {
      prev_value = x[s];
      same_run = 0;
      mean = ssqdm = nobs = comp_add = comp_remove = 0;
      for (size_t j = s; j < e; ++j) add(x[j]);
    } else {
      for (size_t j = prev_s; j < s; ++j) remove(x[j]);
      for (size_t j = prev_e; j < e; ++j) add(x[j]);
    }
    double result = kNaN;
    if (nobs >= minp && nobs > ddof) {
      if (nobs == 1 || static_cast<double>(same_run) >= nobs) {
        result = 0;
      } else {
        result = ssqdm / (nobs - static_cast<double>(ddof));
      }
    }
    out[i] = result;
    prev_s = s;
    prev_e = e;
  }
  return out;
}

Column rolling_std(std::span<const double> x, size_t window, size_t min_periods, int ddof) {
  Column v = rolling_var(x, window, min_periods, ddof);
  for (double& d : v) d = d < 0 ? 0.0 : std::sqrt(d);
  return v;
}

Column rolling_max(std::span<const double> x, size_t window, size_t min_periods) {
  return rolling_extreme<true>(x, window, min_periods);
}
Column rolling_min(std::span<const double> x, size_t window, size_t min_periods) {
  return rolling_extreme<false>(x, window, min_periods);
}

double com_from_span(double span) {
  return (span - 1) / 2;
}
double com_from_alpha(double alpha) {
  return (1 - alpha) / alpha;
}

Column ewm_mean(std::span<const double> x, double com, bool adjust) {
  const size_t n = x.size();
  Column out = new_column(n);
  EwmMean ewm(com, adjust);
  for (size_t i = 0; i < n; ++i) out[i] = ewm.next(x[i]);
  return out;
}

double pairwise_sum(const double* a, size_t n) {
  constexpr size_t kBlock = 128;
  if (n < 8) {
    // numpy starts from -0.0 so that an all -0.0 sum keeps its sign; 0.0 + x otherwise behaves the same.
    double res = -0.0;
    for (size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= kBlock) {
    double r[8];
    for (size_t k = 0; k < 8; ++k) r[k] = a[k];
    size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (size_t k = 0; k < 8; ++k) r[k] += a[i + k];
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

Column true_range(std::span<const double> high, std::span<const double> low, std::span<const double> close) {
  const size_t n = high.size();
  Column tr = new_column(n);
  if (n == 0) return tr;
  tr[0] = high[0] - low[0];
  for (size_t i = 1; i < n; ++i) tr[i] = true_range_value(high[i], low[i], close[i - 1]);
  return tr;
}

}  // namespace ktrdr::indicators
