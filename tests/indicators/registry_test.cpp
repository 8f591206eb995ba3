// Registry: names and aliases (docs/reference.md §1.3), output names and primaries (§2.2), parameter
// validation messages.
#include <doctest/doctest.h>

#include "indicator_test_util.h"
#include "ktrdr/common/error.h"

using namespace ktrdr;
using namespace ktrdr::indicators;
using namespace ktrdr::indicators::test;

TEST_CASE("registry: the 31 canonical names") {
  const std::vector<std::string> want{"rsi",
                                      "sma",
                                      "ema",
                                      "wma",
                                      "macd",
                                      "atr",
                                      "adx",
                                      "stochastic",
                                      "bollingerbands",
                                      "bollingerbandwidth",
                                      "cci",
                                      "williamsr",
                                      "momentum",
                                      "roc",
                                      "rvi",
                                      "aroon",
                                      "keltnerchannels",
                                      "donchianchannels",
                                      "supertrend",
                                      "parabolicsar",
                                      "ichimoku",
                                      "obv",
                                      "vwap",
                                      "mfi",
                                      "cmf",
                                      "adline",
                                      "volumeratio",
                                      "distancefromma",
                                      "squeezeintensity",
                                      "fishertransform",
                                      "zigzag"};
  CHECK(known_types() == want);
}

TEST_CASE("registry: case-insensitive canonical names, class names and aliases") {
  CHECK(canonical_type("RSI") == "rsi");
  CHECK(canonical_type("RSIIndicator") == "rsi");
  CHECK(canonical_type("bbands") == "bollingerbands");
  CHECK(canonical_type("BollingerBandsIndicator") == "bollingerbands");
  CHECK(canonical_type("SimpleMovingAverage") == "sma");
  CHECK(canonical_type("exponentialmovingaverage") == "ema");
  CHECK(canonical_type("WeightedMovingAverage") == "wma");
  CHECK(canonical_type("SuperTrendIndicator") == "supertrend");
  CHECK(canonical_type("ZigZagIndicator") == "zigzag");
  CHECK(canonical_type("DistanceFromMAIndicator") == "distancefromma");
  CHECK(canonical_type("nosuch") == "");
  // every class except the three moving averages is named <Canonical>Indicator
  for (const auto& t : known_types()) {
    CAPTURE(t);
    CHECK(canonical_type(t + "Indicator") == (t == "sma" || t == "ema" || t == "wma" ? "" : t));
  }
}

TEST_CASE("registry: output names in engine order, primary first") {
  CHECK(output_names("rsi").empty());
  CHECK(output_names("macd") == std::vector<std::string>{"line", "signal", "histogram"});
  CHECK(output_names("adx") == std::vector<std::string>{"adx", "plus_di", "minus_di"});
  CHECK(output_names("bollingerbands") == std::vector<std::string>{"upper", "middle", "lower"});
  CHECK(output_names("stochastic") == std::vector<std::string>{"k", "d"});
  CHECK(output_names("aroon") == std::vector<std::string>{"up", "down", "oscillator"});
  CHECK(output_names("keltnerchannels").front() == "upper");
  CHECK(output_names("donchianchannels").front() == "upper");
  CHECK(output_names("ichimoku") ==
        std::vector<std::string>{"tenkan", "kijun", "senkou_a", "senkou_b", "chikou"});
  CHECK(output_names("supertrend") == std::vector<std::string>{"trend", "direction"});
  CHECK(output_names("rvi") == std::vector<std::string>{"rvi", "signal"});
  CHECK(output_names("fishertransform") == std::vector<std::string>{"fisher", "signal"});
  CHECK(output_names("cmf") == std::vector<std::string>{"cmf", "mf_multiplier", "mf_volume", "momentum",
                                                        "signal", "histogram", "above_zero", "below_zero"});
  CHECK(output_names("adline") == std::vector<std::string>{"line", "mf_multiplier", "mf_volume", "roc_10",
                                                           "momentum_21", "relative_strength"});
}

TEST_CASE("registry: every type computes with its defaults on enough bars - lengths equal the input") {
  std::vector<double> c;
  for (int i = 0; i < 120; ++i) c.push_back(100 + (i % 7) - (i % 3) * 0.5);
  std::vector<double> h, l, v;
  for (double x : c) {
    h.push_back(x + 1);
    l.push_back(x - 1);
    v.push_back(1000);
  }
  const auto bars = make_bars(c, h, l, c, v);
  for (const auto& t : known_types()) {
    CAPTURE(t);
    const auto r = compute_indicator(IndicatorSpec{"x", t, {}}, bars);
    CHECK(r.multi_output == !output_names(t).empty());
    CHECK(r.outputs.size() == std::max<size_t>(1, output_names(t).size()));
    for (const auto& o : r.outputs) CHECK(o.values.size() == bars.size());
  }
}

TEST_CASE("validation: bounds name the indicator id, parameter, range and value") {
  std::vector<std::string> w;
  CHECK_THROWS_WITH_AS(validate_indicator({"rsi_14", "rsi", {{"period", I(1)}}}, &w),
                       "indicator rsi_14: period must be in 2..100 (got 1)", ktrdr::Error);
  CHECK_THROWS_WITH_AS(validate_indicator({"bb", "bbands", {{"multiplier", F(0.0)}}}, &w),
                       "indicator bb: multiplier must be > 0 and <= 10 (got 0.0)", ktrdr::Error);
  CHECK_THROWS_WITH_AS(validate_indicator({"zz", "zigzag", {{"threshold", F(1.0)}}}, &w),
                       "indicator zz: threshold must be > 0 and < 1 (got 1.0)", ktrdr::Error);
  CHECK_THROWS_WITH_AS(validate_indicator({"m", "macd", {{"slow_period", I(201)}}}, &w),
                       "indicator m: slow_period must be in 1..200 (got 201)", ktrdr::Error);
}

TEST_CASE("validation: strict types (period: 14.0 is rejected, ints accepted for floats)") {
  CHECK_THROWS_WITH_AS(validate_indicator({"rsi_14", "rsi", {{"period", F(14.0)}}}),
                       "indicator rsi_14: period must be an integer in 2..100 (got 14.0)", ktrdr::Error);
  CHECK_THROWS_WITH_AS(validate_indicator({"e", "ema", {{"adjust", I(1)}}}),
                       "indicator e: adjust must be true or false (got 1)", ktrdr::Error);
  CHECK_THROWS_WITH_AS(validate_indicator({"r", "rsi", {{"source", S("adj_close")}}}),
                       "indicator r: source must be one of open, high, low, close, volume (got 'adj_close')",
                       ktrdr::Error);
  CHECK_NOTHROW(validate_indicator({"bb", "bollingerbands", {{"multiplier", I(2)}}}));
  CHECK_NOTHROW(validate_indicator({"d", "distancefromma", {{"ma_type", S("ema")}}}));
}

TEST_CASE("validation: unknown parameters warn, or throw when strict - unknown types list the known ones") {
  std::vector<std::string> w;
  validate_indicator({"rsi_14", "rsi", {{"period", I(14)}, {"lookback", I(3)}}}, &w);
  REQUIRE(w.size() == 1);
  CHECK(w[0] ==
        "indicator rsi_14 (rsi): unknown parameter 'lookback' ignored; known parameters: period, source");
  CHECK_THROWS_WITH_AS(validate_indicator({"rsi_14", "rsi", {{"lookback", I(3)}}}, nullptr, true),
                       doctest::Contains("strict mode"), ktrdr::Error);
  CHECK_THROWS_WITH_AS(validate_indicator({"x_1", "nosuch", {}}),
                       doctest::Contains("unknown type 'nosuch'; known types: rsi, sma"), ktrdr::Error);
}

TEST_CASE("min_rows: the reference minimum per type") {
  CHECK(min_rows({"a", "rsi", {}}) == 15);
  CHECK(min_rows({"a", "adx", {}}) == 29);
  CHECK(min_rows({"a", "macd", {}}) == 35);
  CHECK(min_rows({"a", "stochastic", {}}) == 17);
  CHECK(min_rows({"a", "atr", {}}) == 15);
  CHECK(min_rows({"a", "roc", {}}) == 11);
  CHECK(min_rows({"a", "keltnerchannels", {}}) == 21);
  CHECK(min_rows({"a", "vwap", {{"period", I(0)}}}) == 1);
  CHECK(min_rows({"a", "fishertransform", {}}) == 13);
  CHECK(min_rows({"a", "squeezeintensity", {{"kc_period", I(30)}}}) == 30);
  CHECK_THROWS_WITH_AS(compute_indicator({"adx_14", "adx", {}}, flat_bars(std::vector<double>(28, 1.0))),
                       "indicator adx_14 (adx): needs at least 29 bars, got 28; widen the date range",
                       ktrdr::Error);
}
