// Hand-computed cases for rsi, roc, momentum, williamsr, stochastic, cci, rvi, aroon, fishertransform.
#include <doctest/doctest.h>

#include <cmath>

#include "indicator_test_util.h"
#include "ktrdr/common/error.h"

using namespace ktrdr;
using namespace ktrdr::indicators;
using namespace ktrdr::indicators::test;

TEST_CASE("rsi: Wilder smoothing after a simple-mean seed at index period") {
  // deltas 1,1,-1,1,1; period 2: seed gains (1+1)/2 = 1, losses 0 -> 100; then Wilder.
  const auto bars = flat_bars({1, 2, 3, 2, 3, 4});
  // avg (0.5, 0.5) -> 50; (0.75, 0.25) -> rs 3 -> 75; (0.875, 0.125) -> rs 7 -> 87.5
  check_series(out("rsi", {{"period", I(2)}}, bars), {kNaN, kNaN, 100.0, 50.0, 75.0, 87.5});
}

TEST_CASE("rsi: only losses gives 0, flat prices give NaN warm-up then 50") {
  check_series(out("rsi", {{"period", I(2)}}, flat_bars({4, 3, 2, 1})), {kNaN, kNaN, 0.0, 0.0});
  check_series(out("rsi", {{"period", I(3)}}, flat_bars({5, 5, 5, 5, 5})), {kNaN, kNaN, kNaN, 50.0, 50.0});
}

TEST_CASE("rsi: source column and minimum rows") {
  // close is flat but open rises: source=open gives 100 after the seed.
  const auto bars = make_bars({1, 2, 3, 4}, {9, 9, 9, 9}, {0, 0, 0, 0}, {5, 5, 5, 5});
  check_series(out("rsi", {{"period", I(2)}, {"source", S("open")}}, bars), {kNaN, kNaN, 100.0, 100.0});
  CHECK_THROWS_WITH_AS(out("rsi", {{"period", I(3)}}, flat_bars({1, 2, 3})),
                       "indicator rsi_t (rsi): needs at least 4 bars, got 3; widen the date range",
                       ktrdr::Error);
}

TEST_CASE("roc and momentum: divide then scale - x/0 becomes NaN") {
  const auto bars = flat_bars({2, 4, 0, 1});
  check_series(out("roc", {{"period", I(1)}}, bars), {kNaN, 100.0, -100.0, kNaN});
  check_series(out("momentum", {{"period", I(2)}}, flat_bars({1, 2, 4, 7})), {kNaN, kNaN, 3.0, 5.0});
  // 0.1 / 0.3 * 100 is not 100 * 0.1 / 0.3 in binary: the reference divides first.
  const auto r = out("roc", {{"period", I(1)}}, flat_bars({0.3, 0.4}));
  CHECK(r[1] == ((0.4 - 0.3) / 0.3) * 100);
}

TEST_CASE("williamsr and stochastic: warm-up fills (-50 / 50), -0.0 at the top of the range") {
  // HH/LL over 2 bars: (4,1), (4,2), (4,1); closes give raw %K 25, 100, 0.
  const auto bars = make_bars({1, 1, 1, 1}, {2, 4, 4, 3}, {1, 2, 2, 1}, {1.5, 1.75, 4, 1});
  const auto wr = out("williamsr", {{"period", I(2)}}, bars);
  check_series(wr, {-50.0, -75.0, -0.0, -100.0});
  CHECK(std::signbit(wr[2]));
  const auto st = run("stochastic", {{"k_period", I(2)}, {"d_period", I(2)}, {"smooth_k", I(1)}}, bars);
  REQUIRE(st.outputs.size() == 2);
  CHECK(st.outputs[0].name == "k");
  CHECK(st.outputs[1].name == "d");
  check_series(st.outputs[0].values, {50.0, 25.0, 100.0, 0.0});
  // %D = rolling mean with min_periods 1
  check_series(st.outputs[1].values, {50.0, 37.5, 62.5, 50.0});
  // a zero range (0/0) is filled with 50 / -50
  const auto flat = flat_bars({1, 1, 1, 1});
  check_series(out("stochastic", {{"k_period", I(2)}, {"d_period", I(1)}, {"smooth_k", I(1)}}, flat),
               {50, 50, 50, 50});
  check_series(out("williamsr", {{"period", I(2)}}, flat), {-50, -50, -50, -50});
}

TEST_CASE("stochastic: smooth_k > 1 averages raw %K with min_periods 1") {
  const auto bars = make_bars({1, 1, 1, 1}, {2, 4, 4, 3}, {1, 2, 2, 1}, {1.5, 1.75, 4, 1});
  check_series(out("stochastic", {{"k_period", I(2)}, {"d_period", I(1)}, {"smooth_k", I(2)}}, bars),
               {50.0, 37.5, 62.5, 50.0});
}

TEST_CASE("cci: mean deviation around the current SMA - a flat window is 0/0 = NaN") {
  // typical price = close for flat bars: 1,3,3,3
  check_series(out("cci", {{"period", I(2)}}, flat_bars({1, 3, 3, 3})),
               {kNaN, (3.0 - 2.0) / (0.015 * 1.0), kNaN, kNaN});
}

TEST_CASE("rvi: 1-2-2-1 weighted numerator/denominator, SMA ratio - zero range gives NaN") {
  // close - open = 1 and high - low = 2 on every bar: num = 1, den = 2, rvi = 0.5 once both SMAs exist.
  const std::vector<double> o(7, 1.0), h(7, 2.5), l(7, 0.5), c(7, 2.0);
  const auto r = run("rvi", {{"period", I(4)}, {"signal_period", I(1)}}, make_bars(o, h, l, c));
  check_series(r.outputs[0].values, {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, 0.5});
  check_series(r.outputs[1].values, {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, 0.5});
  const auto flat =
      run("rvi", {{"period", I(4)}, {"signal_period", I(1)}}, flat_bars(std::vector<double>(7, 1.0)));
  CHECK(std::isnan(flat.outputs[0].values[6]));
}

TEST_CASE("aroon: bars since the first highest high / lowest low in a window of `period` bars") {
  const auto bars = make_bars({1, 1, 1, 1}, {1, 3, 2, 3}, {1, 0, 2, 0}, {1, 1, 1, 1});
  const auto r = run("aroon", {{"period", I(3)}}, bars);
  REQUIRE(r.outputs.size() == 3);
  // t=2: high 3 at t=1 (1 bar ago), low 0 at t=1. t=3: the first 3 (t=1, 2 bars ago) wins the tie.
  check_series(r.outputs[0].values, {kNaN, kNaN, ((3.0 - 1) / 3) * 100.0, ((3.0 - 2) / 3) * 100.0});
  check_series(r.outputs[1].values, {kNaN, kNaN, ((3.0 - 1) / 3) * 100.0, ((3.0 - 2) / 3) * 100.0});
  check_series(r.outputs[2].values, {kNaN, kNaN, 0.0, 0.0});
}

TEST_CASE("fishertransform: zero range maps to 0, signal is fisher shifted by one") {
  const auto flat = run("fishertransform", {{"period", I(2)}, {"smoothing", I(1)}}, flat_bars({1, 1, 1}));
  check_series(flat.outputs[0].values, {kNaN, 0.0, 0.0});
  check_series(flat.outputs[1].values, {kNaN, kNaN, 0.0});
  // t=2: median (4+2)/2 = 3 in a high/low range 0..4 -> v = 2*(3/4) - 1 = 0.5
  const auto bars = make_bars({1, 1, 1}, {1, 2, 4}, {0, 0, 2}, {1, 1, 1});
  const auto r = run("fishertransform", {{"period", I(2)}, {"smoothing", I(1)}}, bars);
  check_series(r.outputs[0].values, {kNaN, 0.0, 0.5 * std::log((1 + 0.5) / (1 - 0.5))});
  // v = 1 (median at the top) is clipped to 0.999
  const auto top = run("fishertransform", {{"period", I(2)}, {"smoothing", I(1)}},
                       make_bars({1, 1, 1}, {1, 2, 4}, {0, 0, 4}, {1, 1, 1}));
  CHECK(top.outputs[0].values[2] == 0.5 * std::log((1 + 0.999) / (1 - 0.999)));
}
