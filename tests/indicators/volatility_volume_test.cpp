// Hand-computed cases for atr, bollinger bands/width, keltner, donchian, squeeze, distancefromma and the
// volume indicators (obv, vwap, mfi, cmf, adline, volumeratio).
#include <doctest/doctest.h>

#include <cmath>

#include "indicator_test_util.h"
#include "ktrdr/common/error.h"

using namespace ktrdr;
using namespace ktrdr::indicators;
using namespace ktrdr::indicators::test;

namespace {
// TR: 1 (H0-L0), then max(1, 1.5, 0.5) = 1.5, then max(1.5, 0, 1.5) = 1.5
BarSeries tr_bars() {
  return make_bars({1, 2, 2}, {2, 3, 2.5}, {1, 2, 1}, {1.5, 2.5, 2});
}
}  // namespace

TEST_CASE("atr: simple rolling mean of the true range (not Wilder)") {
  check_series(out("atr", {{"period", I(2)}}, tr_bars()), {kNaN, 1.25, 1.5});
}

TEST_CASE("bollingerbands / bollingerbandwidth: ddof=1 std, warm-up width 0, flat window exact") {
  const auto bars = flat_bars({1, 3, 3, 3});
  const auto r = run("bbands", {{"period", I(2)}, {"multiplier", F(2.0)}}, bars);
  REQUIRE(r.outputs.size() == 3);
  CHECK(r.outputs[0].name == "upper");
  // [1, 3]: mean 2, sample variance 2; [3, 3]: std exactly 0
  check_series(r.outputs[0].values, {kNaN, 2 + 2 * std::sqrt(2.0), 3.0, 3.0});
  check_series(r.outputs[1].values, {kNaN, 2.0, 3.0, 3.0});
  check_series(r.outputs[2].values, {kNaN, 2 - 2 * std::sqrt(2.0), 3.0, 3.0});
  const double up = 2 + 2 * std::sqrt(2.0), lo = 2 - 2 * std::sqrt(2.0);
  check_series(out("bollingerbandwidth", {{"period", I(2)}}, bars), {0.0, (up - lo) / 2.0, 0.0, 0.0});
  // a middle band of ~0 gives 0, not inf
  check_series(out("bollingerbandwidth", {{"period", I(2)}}, flat_bars({1, -1})), {0.0, 0.0});
}

TEST_CASE("keltnerchannels: EMA(adjust=False) middle +- multiplier x simple ATR") {
  // TR 1, 1.5, 1.5, 1 -> ATR(2) NaN, 1.25, 1.5, 1.25; EMA span 3 of close 1.5, 2.5, 2, 2: 1.5, 2, 2, 2
  const auto bars = make_bars({1, 2, 2, 2}, {2, 3, 2.5, 2.5}, {1, 2, 1, 1.5}, {1.5, 2.5, 2, 2});
  const auto r =
      run("keltnerchannels", {{"period", I(3)}, {"atr_period", I(2)}, {"multiplier", F(2.0)}}, bars);
  check_series(r.outputs[1].values, {1.5, 2.0, 2.0, 2.0});
  check_series(r.outputs[0].values, {kNaN, 2.0 + 2 * 1.25, 2.0 + 2 * 1.5, 2.0 + 2 * 1.25});
  check_series(r.outputs[2].values, {kNaN, 2.0 - 2 * 1.25, 2.0 - 2 * 1.5, 2.0 - 2 * 1.25});
}

TEST_CASE("donchianchannels: rolling max high / min low and their midpoint") {
  const auto r = run("donchianchannels", {{"period", I(2)}}, tr_bars());
  check_series(r.outputs[0].values, {kNaN, 3.0, 3.0});
  check_series(r.outputs[1].values, {kNaN, 2.0, 2.0});
  check_series(r.outputs[2].values, {kNaN, 1.0, 1.0});
}

TEST_CASE("squeezeintensity: zero Keltner range gives 0 - otherwise clipped overlap ratio") {
  check_series(out("squeezeintensity", {{"bb_period", I(2)}, {"kc_period", I(2)}},
                   flat_bars(std::vector<double>(12, 1.0))),
               std::vector<double>(12, 0.0));
  // Against its parts: BB(2, 2.0) and KC(period 2, atr_period 10, 2.0).
  std::vector<double> c{1, 1.2, 1.1, 1.3, 1.25, 1.4, 1.35, 1.2, 1.3, 1.5, 1.45, 1.6};
  std::vector<double> h, l;
  for (double x : c) {
    h.push_back(x + 0.5);
    l.push_back(x - 0.5);
  }
  const auto bars = make_bars(c, h, l, c);
  const auto bb = run("bollingerbands", {{"period", I(2)}}, bars);
  const auto kc = run("keltnerchannels", {{"period", I(2)}, {"atr_period", I(10)}}, bars);
  const auto sq = out("squeezeintensity", {{"bb_period", I(2)}, {"kc_period", I(2)}}, bars);
  for (size_t t = 0; t < c.size(); ++t) {
    CAPTURE(t);
    const double ku = kc.outputs[0].values[t], kl = kc.outputs[2].values[t];
    const double r = ku - kl;
    if (std::isnan(r)) {
      CHECK(sq[t] == 0.0);  // NaN range counts as "not > 1e-10"
    } else {
      const double v =
          std::max(0.0, std::min((ku - bb.outputs[0].values[t]) / r, (bb.outputs[2].values[t] - kl) / r));
      CHECK(sq[t] == v);
      CHECK(sq[t] > 0.0);
    }
  }
}

TEST_CASE("distancefromma: percent distance, NaN warm-up, SMA or EMA") {
  check_series(out("distancefromma", {{"period", I(2)}}, flat_bars({1, 3, 3})),
               {kNaN, ((3.0 - 2.0) / 2.0) * 100, 0.0});
  // EMA (adjust=True) has no warm-up
  const auto e = out("distancefromma", {{"period", I(3)}, {"ma_type", S("EMA")}}, flat_bars({1, 2, 3}));
  CHECK(e[0] == 0.0);
  CHECK(e[1] == (2.0 - (0.5 * 1 + 2.0) / 1.5) / ((0.5 * 1 + 2.0) / 1.5) * 100);
}

TEST_CASE("obv: cumulative signed volume") {
  check_series(out("obv", {}, flat_bars({1, 2, 2, 1}, {10, 20, 30, 40})), {0, 20, 20, -20});
}

TEST_CASE("vwap: rolling with min_periods 1, cumulative for period 0, zero volume gives NaN") {
  const auto bars = flat_bars({1, 2, 3, 4}, {1, 1, 2, 0});
  check_series(out("vwap", {{"period", I(2)}, {"use_typical_price", B(false)}}, bars),
               {1.0, 1.5, 8.0 / 3, 3.0});
  check_series(out("vwap", {{"period", I(0)}, {"use_typical_price", B(false)}}, bars),
               {1.0, 1.5, 9.0 / 4, 9.0 / 4});
  check_series(out("vwap", {{"period", I(1)}}, flat_bars({1, 2}, {0, 0})), {kNaN, kNaN});
}

TEST_CASE("mfi: positive/negative money flow over the last `period` changes - negative volume rejected") {
  const auto bars = flat_bars({1, 2, 1, 3}, {1, 1, 1, 1});
  // changes +1 (flow 2), -1 (flow 1), +2 (flow 3); period 2
  check_series(out("mfi", {{"period", I(2)}}, bars),
               {kNaN, kNaN, 100 - 100 / (1 + 2.0 / 1.0), 100 - 100 / (1 + 3.0 / 1.0)});
  check_series(out("mfi", {{"period", I(1)}}, flat_bars({1, 2, 2, 1})), {kNaN, 100.0, 100.0, 0.0});
  CHECK_THROWS_AS(out("mfi", {{"period", I(1)}}, flat_bars({1, 2}, {1, -1})), ktrdr::Error);
}

TEST_CASE("cmf and adline: money-flow multiplier, 0 where high == low") {
  // multiplier: bar0 close at high -> 1; bar1 close at low -> -1; bar2 high == low -> 0
  const auto bars = make_bars({1, 1, 1}, {2, 2, 1}, {1, 1, 1}, {2, 1, 1}, {10, 30, 5});
  const auto cmf = run("cmf", {{"period", I(2)}}, bars);
  REQUIRE(cmf.outputs.size() == 8);
  CHECK(cmf.outputs[0].name == "cmf");
  check_series(cmf.outputs[1].values, {1, -1, 0});
  check_series(cmf.outputs[2].values, {10, -30, 0});
  check_series(cmf.outputs[0].values, {kNaN, -20.0 / 40, -30.0 / 35});
  check_series(cmf.outputs[6].values, {0, 0, 0});  // above_zero (NaN compares false)
  check_series(cmf.outputs[7].values, {0, 1, 1});
  const auto ad = run("adline", {}, bars);
  REQUIRE(ad.outputs.size() == 6);
  check_series(ad.outputs[0].values, {10, -20, -20});
  CHECK_THROWS_WITH_AS(run("adline", {{"use_sma_smoothing", B(true)}}, bars),
                       doctest::Contains("use_sma_smoothing"), ktrdr::Error);
}

TEST_CASE("volumeratio: V / SMA(V) - warm-up and a zero average give 1.0") {
  check_series(out("volumeratio", {{"period", I(2)}}, flat_bars({1, 1, 1, 1}, {0, 0, 2, 4})),
               {1.0, 1.0, 2.0, 4.0 / 3});
}
