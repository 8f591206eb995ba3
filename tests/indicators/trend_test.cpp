// Hand-computed cases for sma, ema, wma, macd, adx, parabolicsar, ichimoku, supertrend, zigzag.
#include <doctest/doctest.h>

#include <cmath>

#include "indicator_test_util.h"

using namespace ktrdr;
using namespace ktrdr::indicators;
using namespace ktrdr::indicators::test;

TEST_CASE("sma: warm-up NaN - a constant window returns its value exactly") {
  check_series(out("sma", {{"period", I(2)}}, flat_bars({1, 2, 3, 4})), {kNaN, 1.5, 2.5, 3.5});
  // After 0.3 leaves the window, a running add/subtract sum would leave a residual.
  const auto v = out("sma", {{"period", I(3)}}, flat_bars({0.3, 0.7, 0.1, 0.1, 0.1, 0.1}));
  CHECK(v[4] == 0.1);
  CHECK(v[5] == 0.1);
}

TEST_CASE("ema: adjust=True weighted form by default, adjust=False recursion on request") {
  const auto bars = flat_bars({1, 2, 3});
  // span 3 -> alpha 0.5. Weighted: weights 1, 0.5, 0.25.
  const double y1 = (0.5 * 1 + 1 * 2.0) / 1.5;
  const double y2 = (0.75 * y1 + 1 * 3.0) / 1.75;
  check_series(out("ema", {{"period", I(3)}}, bars), {1.0, y1, y2});
  check_series(out("ema", {{"period", I(3)}, {"adjust", B(false)}}, bars), {1.0, 1.5, 2.25});
  // no NaN warm-up, and a constant series stays exact
  check_series(out("ema", {{"period", I(3)}}, flat_bars({0.1, 0.1, 0.1})), {0.1, 0.1, 0.1});
}

TEST_CASE("wma: linear weights 1..n over the window") {
  check_series(out("wma", {{"period", I(3)}}, flat_bars({1, 2, 3, 4})), {kNaN, kNaN, 14.0 / 6, 20.0 / 6});
}

TEST_CASE("macd: EMA(adjust=False) line, signal and histogram, no NaN") {
  const auto r = run("macd", {{"fast_period", I(1)}, {"slow_period", I(3)}, {"signal_period", I(3)}},
                     flat_bars({1, 2, 3, 3, 3, 3}));
  REQUIRE(r.multi_output);
  CHECK(r.outputs[0].name == "line");
  CHECK(r.outputs[1].name == "signal");
  CHECK(r.outputs[2].name == "histogram");
  // fast = x; slow = 1, 1.5, 2.25, 2.625, 2.8125, 2.90625
  check_series(r.outputs[0].values, {0.0, 0.5, 0.75, 0.375, 0.1875, 0.09375});
  check_series(r.outputs[1].values, {0.0, 0.25, 0.5, 0.4375, 0.3125, 0.203125});
  check_series(r.outputs[2].values, {0.0, 0.25, 0.25, -0.0625, -0.125, -0.109375});
}

TEST_CASE("adx: Wilder smoothing from bar 0, no NaN - a steady uptrend") {
  // high/low rise by 1 each bar, close mid-bar: TR = 1 then 1.5; +DM = 1, -DM = 0.
  const auto bars =
      make_bars({1.5, 2.5, 3.5, 4.5, 5.5}, {2, 3, 4, 5, 6}, {1, 2, 3, 4, 5}, {1.5, 2.5, 3.5, 4.5, 5.5});
  const auto r = run("adx", {{"period", I(2)}}, bars);
  REQUIRE(r.outputs.size() == 3);
  CHECK(r.outputs[0].name == "adx");
  // alpha 0.5: TRs 1, 1.25, 1.375, 1.4375, 1.46875; +DMs 0, 0.5, 0.75, 0.875, 0.9375
  check_series(r.outputs[1].values, {0.0, (0.5 / 1.25) * 100, (0.75 / 1.375) * 100, (0.875 / 1.4375) * 100,
                                     (0.9375 / 1.46875) * 100});
  check_series(r.outputs[2].values, {0, 0, 0, 0, 0});
  // DX = 100 from bar 1 (0 at bar 0): ADX 0, 50, 75, 87.5, 93.75
  check_series(r.outputs[0].values, {0.0, 50.0, 75.0, 87.5, 93.75});
}

TEST_CASE("parabolicsar: seeded from the first two closes") {
  const auto bars = make_bars({1, 2, 3}, {2, 3, 4}, {1, 2, 3}, {1.5, 2.5, 3.5});
  // up: sar1 = L0 = 1, EP = 3; sar2 = 1 + 0.02*(3-1) = 1.04, capped by min(L1, L0) = 1
  check_series(out("parabolicsar", {}, bars), {kNaN, 1.0, 1.0});
  // down start: sar1 = H0; a high above the SAR reverses to the EP
  const auto down = make_bars({1, 1, 1}, {3, 2, 5}, {2, 1, 1}, {2.5, 1.5, 4});
  check_series(out("parabolicsar", {}, down), {kNaN, 3.0, 1.0});
}

TEST_CASE("ichimoku: midpoints of rolling high/low, chikou = close, no displacement") {
  const auto bars = make_bars({1, 1, 1}, {2, 4, 3}, {1, 2, 0}, {1.5, 3, 1});
  const auto r =
      run("ichimoku", {{"tenkan_period", I(1)}, {"kijun_period", I(2)}, {"senkou_b_period", I(3)}}, bars);
  REQUIRE(r.outputs.size() == 5);
  check_series(r.outputs[0].values, {1.5, 3.0, 1.5});
  check_series(r.outputs[1].values, {kNaN, 2.5, 2.0});
  check_series(r.outputs[2].values, {kNaN, 2.75, 1.75});
  check_series(r.outputs[3].values, {kNaN, kNaN, 2.0});
  check_series(r.outputs[4].values, {1.5, 3.0, 1.0});
}

TEST_CASE(
    "supertrend: corrected by default - the reference's all-NaN output only in ktrdr compatibility mode") {
  // TR = 1 on the first four bars, then 1.2 (close drops through the lower band).
  const auto bars =
      make_bars({1.5, 1.5, 1.5, 1.5, 1.5}, {2, 2, 2, 2, 1.5}, {1, 1, 1, 1, 0.3}, {1.5, 1.5, 1.5, 1.5, 0.4});
  const Params p{{"period", I(2)}, {"multiplier", F(1.0)}};
  const auto fixed = run("supertrend", p, bars);
  CHECK(fixed.outputs[0].name == "trend");
  CHECK(fixed.outputs[1].name == "direction");
  // bands 2.5 / 0.5 from bar 1; at bar 4 ATR 1.1, upper 0.9+1.1 = 2.0 < 2.5, close 0.4 <= 0.5 -> down
  check_series(fixed.outputs[0].values, {kNaN, 0.5, 0.5, 0.5, ((1.5 + 0.3) / 2) + (1.0 * ((1.0 + 1.2) / 2))});
  check_series(fixed.outputs[1].values, {kNaN, 1, 1, 1, -1});
  const auto compat = run("supertrend", p, bars, /*ktrdr_compat=*/true);
  check_series(compat.outputs[0].values, {kNaN, kNaN, kNaN, kNaN, kNaN});
  check_series(compat.outputs[1].values, {1, 1, 1, 1, 1});
}

TEST_CASE("zigzag: confirmed extremes only - extending a swing erases the earlier extreme") {
  const auto bars = flat_bars({100, 105, 111, 120, 100, 95, 110});
  check_series(out("zigzag", {{"threshold", F(0.1)}}, bars), {100, kNaN, kNaN, 120, kNaN, 95, 110});
}
