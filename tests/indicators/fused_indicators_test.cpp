// ADX, Williams %R and Stochastic (%K smoothing and %D included) are computed in one pass (streaming_ops.h).
// Each is checked bit for bit against its column form (one series_ops column per step, as the reference's
// pandas code computes it) on random walks with NaN gaps, flat stretches and short series; the streaming
// primitives on hand-checked rows.
#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <tuple>

#include "indicator_test_util.h"
#include "ktrdr/indicators/series_ops.h"
#include "ktrdr/indicators/streaming_ops.h"

using namespace ktrdr;
using namespace ktrdr::indicators;
using namespace ktrdr::indicators::test;

namespace {

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof(double)) == 0;
}

void check_same(const std::string& what, const std::vector<double>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  size_t bad = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    if (!same_bits(got[i], want[i]) && bad++ < 3) {
      FAIL_CHECK(what << " row " << i << ": got " << got[i] << ", want " << want[i]);
    }
  }
  CHECK_MESSAGE(bad == 0, what << ": " << bad << " rows differ");
}

// Random walk with NaN gaps in high/low/close, a flat stretch and a NaN first bar when asked.
BarSeries awkward_bars(size_t n, uint64_t seed, bool nan_first) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> step(0.0, 0.003);
  std::uniform_real_distribution<double> wick(0.0, 0.002);
  std::vector<double> o(n), h(n), l(n), c(n);
  double price = 1.3;
  for (size_t i = 0; i < n; ++i) {
    o[i] = price;
    c[i] = price * std::exp(step(rng));
    h[i] = std::max(o[i], c[i]) * (1 + wick(rng));
    l[i] = std::min(o[i], c[i]) * (1 - wick(rng));
    price = c[i];
  }
  for (size_t i = n / 5; i < n / 5 + 7 && i < n; ++i) c[i] = kNaN;
  for (size_t i = n / 3; i < n / 3 + 20 && i < n; ++i) h[i] = kNaN;
  for (size_t i = n / 2; i < n / 2 + 3 && i < n; ++i) l[i] = kNaN;
  for (size_t i = 2 * n / 3; i < 2 * n / 3 + 40 && i < n; ++i) o[i] = h[i] = l[i] = c[i] = 1.25;
  if (nan_first && n > 0) h[0] = l[0] = c[0] = kNaN;
  return make_bars(o, h, l, c);
}

// The column forms (what compute_adx / compute_williamsr / compute_stochastic did before the fusion).
std::vector<Column> adx_columns(const BarSeries& b, int period) {
  const size_t n = b.size();
  const double com = com_from_alpha(1.0 / period);
  const Column tr = true_range(b.high, b.low, b.close);
  Column dm_plus(n, 0.0), dm_minus(n, 0.0);
  for (size_t t = 1; t < n; ++t) {
    const double up = b.high[t] - b.high[t - 1];
    const double dn = b.low[t - 1] - b.low[t];
    if (up > dn && up > 0) dm_plus[t] = up;
    if (dn > up && dn > 0) dm_minus[t] = dn;
  }
  const Column trs = ewm_mean(tr, com, false), dps = ewm_mean(dm_plus, com, false),
               dms = ewm_mean(dm_minus, com, false);
  Column di_plus(n, 0.0), di_minus(n, 0.0), dx(n, 0.0);
  for (size_t t = 0; t < n; ++t) {
    if (trs[t] != 0) {
      const double p = (dps[t] / trs[t]) * 100;
      const double m = (dms[t] / trs[t]) * 100;
      di_plus[t] = std::isnan(p) ? 0.0 : p;
      di_minus[t] = std::isnan(m) ? 0.0 : m;
    }
    const double sum = di_plus[t] + di_minus[t];
    if (sum != 0) {
      const double v = (std::fabs(di_plus[t] - di_minus[t]) / sum) * 100;
      dx[t] = std::isnan(v) ? 0.0 : v;
    }
  }
  return {ewm_mean(dx, com, false), di_plus, di_minus};
}

Column williamsr_column(const BarSeries& b, size_t period) {
  const Column hh = rolling_max(b.high, period, period), ll = rolling_min(b.low, period, period);
  Column out(b.size());
  for (size_t t = 0; t < b.size(); ++t) {
    const double v = ((hh[t] - b.close[t]) / (hh[t] - ll[t])) * -100;
    out[t] = std::isnan(v) ? -50.0 : v;
  }
  return out;
}

std::vector<Column> stochastic_columns(const BarSeries& b, size_t kp, size_t dp, size_t sk) {
  const Column hh = rolling_max(b.high, kp, kp), ll = rolling_min(b.low, kp, kp);
  Column raw(b.size());
  for (size_t t = 0; t < b.size(); ++t) {
    const double v = ((b.close[t] - ll[t]) / (hh[t] - ll[t])) * 100;
    raw[t] = std::isnan(v) ? 50.0 : v;
  }
  Column k = sk > 1 ? rolling_mean(raw, sk, 1) : raw;
  Column d = rolling_mean(k, dp, 1);
  return {k, d};
}

}  // namespace

TEST_CASE("fused ADX, Williams %R, Stochastic: the column forms bit for bit, NaN gaps and flat stretches") {
  for (size_t n : {size_t{51}, size_t{60}, size_t{500}, size_t{4001}}) {
    for (bool nan_first : {false, true}) {
      CAPTURE(n);
      CAPTURE(nan_first);
      const BarSeries b = awkward_bars(n, 17 + n, nan_first);
      for (int period : {2, 14, 25}) {
        CAPTURE(period);
        const auto adx = run("adx", {{"period", I(period)}}, b);
        const auto want = adx_columns(b, period);
        REQUIRE(adx.outputs.size() == 3);
        for (size_t k = 0; k < 3; ++k)
          check_same("adx output " + adx.outputs[k].name, adx.outputs[k].values, want[k]);
        check_same("williamsr", out("williamsr", {{"period", I(period)}}, b),
                   williamsr_column(b, static_cast<size_t>(period)));
      }
      for (size_t window : {size_t{1}, size_t{2}, size_t{3}, size_t{14}, size_t{70}}) {
        for (size_t minp : {size_t{1}, window}) {
          CAPTURE(window);
          CAPTURE(minp);
          RollingMean mean(window, minp);
          Column streamed(b.size());
          for (size_t t = 0; t < b.size(); ++t) streamed[t] = mean.next(b.close[t]);
          check_same("rolling mean", streamed, rolling_mean(b.close, window, minp));
        }
      }
      for (auto [kp, dp, sk] : {std::tuple{14, 3, 3}, std::tuple{5, 3, 1}, std::tuple{9, 1, 4}}) {
        CAPTURE(kp);
        CAPTURE(sk);
        const auto st = run("stochastic", {{"k_period", I(kp)}, {"d_period", I(dp)}, {"smooth_k", I(sk)}}, b);
        const auto want =
            stochastic_columns(b, static_cast<size_t>(kp), static_cast<size_t>(dp), static_cast<size_t>(sk));
        check_same("stochastic k", st.outputs.at(0).values, want[0]);
        check_same("stochastic d", st.outputs.at(1).values, want[1]);
      }
    }
  }
}

TEST_CASE("streaming primitives: hand-checked rows") {
  // ewm(com=1, adjust=False, ignore_na=False) on [NaN, 2, 4, NaN, 4]: [NaN, 2, 3, 3, 11/3]
  EwmMean e(1.0, false);
  CHECK(std::isnan(e.next(kNaN)));
  CHECK(e.next(2.0) == 2.0);
  CHECK(e.next(4.0) == 3.0);
  CHECK(e.next(kNaN) == 3.0);
  CHECK(e.next(4.0) == (0.25 * 3.0 + 0.5 * 4.0) / 0.75);  // the weight decayed over the NaN too
  // rolling(2, min_periods=1) max / min on [NaN, 2, 4, 1, NaN, NaN]
  const std::vector<double> x{kNaN, 2.0, 4.0, 1.0, kNaN, kNaN};
  RollingExtreme<true> mx(x, 2, 1);
  RollingExtreme<false> mn(x, 2, 1);
  const std::vector<double> want_max{kNaN, 2.0, 4.0, 4.0, 1.0, kNaN},
      want_min{kNaN, 2.0, 2.0, 1.0, 1.0, kNaN};
  for (size_t i = 0; i < x.size(); ++i) {
    CAPTURE(i);
    CHECK(same_bits(mx.next(), want_max[i]));
    CHECK(same_bits(mn.next(), want_min[i]));
  }
  // rolling(3, min_periods=1).mean() on [NaN, 2, 4, 6, 6, 6]: [NaN, 2, 3, 4, 5, 6] (the last window is
  // constant: exactly 6, whatever the compensated sum holds)
  RollingMean mean3(3, 1);
  const std::vector<double> want_mean{kNaN, 2.0, 3.0, 4.0, 16.0 / 3.0, 6.0};
  const std::vector<double> in_mean{kNaN, 2.0, 4.0, 6.0, 6.0, 6.0};
  for (size_t i = 0; i < in_mean.size(); ++i) {
    CAPTURE(i);
    CHECK(same_bits(mean3.next(in_mean[i]), want_mean[i]));
  }
  // window 1: the value itself
  RollingMean mean1(1, 1);
  CHECK(mean1.next(0.1) == 0.1);
  CHECK(mean1.next(0.7) == 0.7);
  CHECK(true_range_value(10.0, 8.0, 11.5) == 3.5);
  CHECK(true_range_value(kNaN, 8.0, 11.5) == 3.5);
  CHECK(std::isnan(true_range_value(kNaN, kNaN, 11.5)));
}
