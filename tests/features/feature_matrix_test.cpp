// compute_feature_matrix (the runner's fused path) against to_matrix(compute_features(...)): the same float32
// bits in every cell (NaN included), the same names, rows and warnings, on the golden cases, on
// multi-timeframe strategies with raw and normalised inputs, on warm-up NaN rows and on sizes around the
// block length.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include <nlohmann/json.hpp>

#include "golden_case.h"
#include "ktrdr/common/error.h"
#include "ktrdr/common/thread_pool.h"
#include "ktrdr/common/time.h"
#include "ktrdr/config/model_bundle.h"
#include "ktrdr/config/strategy_config.h"
#include "ktrdr/data/ohlcv_loader.h"
#include "ktrdr/features/feature_frame.h"
#include "ktrdr/features/feature_matrix.h"
#include "test_util.h"

using namespace ktrdr;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Checks the two paths agree bit for bit; returns how many cells are NaN (so callers can assert the warm-up
// rows were really exercised).
size_t check_same(const config::StrategyConfig& strategy, const std::map<std::string, BarSeries>& data,
                  const std::string& base, const std::vector<std::string>& expected,
                  const std::map<std::string, config::NormalizationParams>& normalization,
                  const features::FeatureOptions& options) {
  const features::FeatureFrame frame =
      features::compute_features(strategy, data, base, expected, normalization, options);
  const features::FeatureMatrix want = features::to_matrix(frame);
  const features::FeatureMatrix got =
      features::compute_feature_matrix(strategy, data, base, expected, normalization, options);
  CHECK(got.names == want.names);
  CHECK(got.warnings == frame.warnings);
  REQUIRE(got.rows == want.rows);
  REQUIRE(got.cols == want.cols);
  REQUIRE(got.values.size() == want.values.size());
  size_t differing = 0, nans = 0;
  for (size_t k = 0; k < want.values.size(); ++k) {
    if (std::memcmp(&got.values[k], &want.values[k], sizeof(float)) != 0) {
      if (differing++ < 3) {
        FAIL_CHECK("row " << k / want.cols << " column " << want.names[k % want.cols] << ": got "
                          << got.values[k] << ", want " << want.values[k]);
      }
    }
    if (std::isnan(want.values[k])) ++nans;
  }
  CHECK(differing == 0);
  return nans;
}

BarSeries random_walk(size_t n, int64_t step_ns, uint64_t seed, int64_t first_ns = 0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> step(0.0, 0.002);
  std::uniform_real_distribution<double> wick(0.0, 0.001);
  BarSeries b;
  double price = 1.1;
  for (size_t i = 0; i < n; ++i) {
    const double o = price;
    const double c = o * std::exp(step(rng));
    b.push_back(first_ns + static_cast<int64_t>(i) * step_ns, o, std::max(o, c) * (1 + wick(rng)),
                std::min(o, c) * (1 - wick(rng)), c, 100.0 + static_cast<double>(i % 17));
    price = c;
  }
  return b;
}

void check_golden(const std::string& name, Mode mode) {
  const test::GoldenFeatureCase g = test::load_golden_feature_case(name);
  const auto& info = g.bundle;
  const auto& data = g.data;
  features::FeatureOptions opt;
  opt.mode = mode;
  check_same(info.strategy, data, info.strategy.base_timeframe, info.resolved_features,
             info.normalization_params, opt);
}

// Fuzzy sets on slow indicators (long NaN warm-ups), a raw input with and without normalisation params, and a
// second timeframe (aligned, so made as a double column first).
const char* kMixed = R"(name: mixed
training_data:
  symbols: {mode: single, symbol: TEST}
  timeframes: {mode: multi_timeframe, list: [1h, 4h], base_timeframe: 1h}
indicators:
  rsi_14: {type: rsi, period: 14}
  adx_14: {type: adx, period: 14}
  stoch_14: {type: stochastic, k_period: 14, d_period: 3, smooth_k: 3}
  sma_50: {type: sma, period: 50}
  macd: {type: macd, fast_period: 12, slow_period: 26, signal_period: 9}
fuzzy_sets:
  rsi_zone: {indicator: rsi_14, low: [0, 25, 40], high: [60, 75, 100]}
  trend:
    indicator: adx_14.adx
    weak: {type: trapezoidal, parameters: [0, 5, 15, 25]}
    strong: {type: gaussian, parameters: [40, 12]}
  stoch: {indicator: stoch_14.d, low: [0, 10, 30], high: [70, 90, 100]}
  level: {indicator: sma_50, low: [0.9, 1.0, 1.1], high: [1.05, 1.2, 1.5]}
nn_inputs:
  - {fuzzy_set: rsi_zone, timeframes: all}
  - {fuzzy_set: trend, timeframes: [1h]}
  - {fuzzy_set: stoch, timeframes: all}
  - {fuzzy_set: level, timeframes: all}
  - {raw_indicator: macd.histogram, timeframes: [1h], normalization: zscore}
  - {raw_indicator: sma_50, timeframes: [4h], normalization: minmax}
model: {type: mlp, architecture: {hidden_layers: [4]}}
decisions: {}
training: {}
)";

}  // namespace

TEST_CASE("fused feature matrix: golden cases, both modes") {
  for (const char* name : {"v1_bench12", "v2_macd_roc_raw"}) {
    CAPTURE(name);
    check_golden(name, Mode::kKtrdr);
    check_golden(name, Mode::kCorrected);
  }
}

TEST_CASE("fused feature matrix: mixed timeframes, raw inputs, NaN warm-up rows, sizes around the block") {
  const auto cfg = config::parse_strategy_yaml(kMixed, "mixed.yaml");
  std::map<std::string, config::NormalizationParams> norm;
  config::NormalizationParams z;
  z.method = "zscore";
  z.mean = 0.0001;
  z.std = 0.0003;
  norm["1h_macd.histogram_raw"] = z;
  for (size_t n : {size_t{255}, size_t{256}, size_t{257}, size_t{1000}, size_t{5003}}) {
    CAPTURE(n);
    std::map<std::string, BarSeries> data;
    data["1h"] = random_walk(n, kNanosPerHour, 7 + n);
    data["4h"] =
        random_walk(std::max<size_t>((n + 3) / 4, 120), 4 * kNanosPerHour, 11 + n);  // enough for sma_50
    for (auto mode : {Mode::kKtrdr, Mode::kCorrected}) {
      features::FeatureOptions opt;
      opt.mode = mode;
      const size_t nans = check_same(cfg, data, "1h", {}, norm, opt);
      // sma_50 / adx warm-ups leave NaN fuzzy values in the base timeframe's first rows
      CHECK(nans > 0);
    }
  }
}

TEST_CASE("fused feature matrix: NaN and flat stretches inside the data") {
  const auto cfg = config::parse_strategy_yaml(kMixed, "mixed.yaml");
  std::map<std::string, BarSeries> data;
  BarSeries b = random_walk(3000, kNanosPerHour, 99);
  for (size_t i = 700; i < 760; ++i) b.close[i] = kNaN;  // a gap of NaN closes
  for (size_t i = 1500; i < 1600; ++i) {                 // a flat stretch (constant windows)
    b.open[i] = b.high[i] = b.low[i] = b.close[i] = 1.25;
  }
  data["1h"] = b;
  data["4h"] = random_walk(750, 4 * kNanosPerHour, 5);
  features::FeatureOptions opt;
  CHECK(check_same(cfg, data, "1h", {}, {}, opt) > 0);
  // a requested subset in another order: only those columns, that order
  const std::vector<std::string> some{"4h_stoch_high", "1h_trend_strong", "1h_macd.histogram_raw",
                                      "1h_level_low"};
  check_same(cfg, data, "1h", some, {}, opt);
}

TEST_CASE("fused feature matrix: the same errors as compute_features") {
  const auto cfg = config::parse_strategy_yaml(kMixed, "mixed.yaml");
  std::map<std::string, BarSeries> data;
  data["1h"] = random_walk(300, kNanosPerHour, 1);
  data["4h"] = random_walk(75, 4 * kNanosPerHour, 2);
  CHECK_THROWS_WITH_AS(features::compute_feature_matrix(cfg, data, "1h", {"1h_nope_low"}, {}, {}),
                       doctest::Contains("missing 1h_nope_low"), Error);
  CHECK_THROWS_WITH_AS(features::compute_feature_matrix(cfg, data, "1d", {}, {}, {}),
                       doctest::Contains("base timeframe 1d has no bar data"), Error);
}

namespace {

bool same_floats(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

bool same_columns(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& b) {
  if (a.size() != b.size()) return false;
  for (size_t j = 0; j < a.size(); ++j)
    if (a[j].size() != b[j].size() ||
        std::memcmp(a[j].data(), b[j].data(), a[j].size() * sizeof(double)) != 0)
      return false;
  return true;
}

template <typename Fn>
std::string error_text(Fn fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE(
    "parallel features: indicators and fuzzy blocks on a pool give the one-thread bits, warnings, errors") {
  // kMixed plus parameters the indicators do not know (warnings, in the order the columns meet them)
  std::string yaml = kMixed;
  yaml.replace(yaml.find("rsi_14: {type: rsi, period: 14}"), 31,
               "rsi_14: {type: rsi, period: 14, colour: red}");
  yaml.replace(yaml.find("sma_50: {type: sma, period: 50}"), 31, "sma_50: {type: sma, period: 50, speed: 2}");
  // the raw input first: its normalisation note must come before the indicators' warnings
  const std::string raw = "  - {raw_indicator: macd.histogram, timeframes: [1h], normalization: zscore}\n";
  yaml.erase(yaml.find(raw), raw.size());
  yaml.insert(yaml.find("  - {fuzzy_set: rsi_zone"), raw);
  const auto cfg = config::parse_strategy_yaml(yaml, "mixed.yaml");
  std::map<std::string, BarSeries> data;
  data["1h"] = random_walk(40000, kNanosPerHour, 3);  // 157 blocks of 256 rows: a range per thread
  data["4h"] = random_walk(10000, 4 * kNanosPerHour, 4);
  for (auto mode : {Mode::kKtrdr, Mode::kCorrected}) {
    features::FeatureOptions one;
    one.mode = mode;
    one.include_indicators = true;
    const features::FeatureMatrix want = features::compute_feature_matrix(cfg, data, "1h", {}, {}, one);
    const features::FeatureFrame want_frame = features::compute_features(cfg, data, "1h", {}, {}, one);
    REQUIRE(want.warnings.size() >= 3);  // the two unknown parameters and the normalisation note
    CHECK(want.warnings.front().find("1h_macd.histogram_raw: normalization zscore") == 0);
    for (unsigned threads : {2u, 3u, 8u}) {
      CAPTURE(threads);
      ThreadPool pool(threads);
      features::FeatureOptions many = one;
      many.pool = &pool;
      const features::FeatureMatrix got = features::compute_feature_matrix(cfg, data, "1h", {}, {}, many);
      CHECK(got.names == want.names);
      CHECK(got.warnings == want.warnings);
      CHECK(same_floats(got.values, want.values));
      const features::FeatureFrame frame = features::compute_features(cfg, data, "1h", {}, {}, many);
      CHECK(frame.warnings == want_frame.warnings);
      CHECK(frame.indicator_names == want_frame.indicator_names);
      CHECK(same_columns(frame.columns, want_frame.columns));
      CHECK(same_columns(frame.indicator_columns, want_frame.indicator_columns));
    }
  }
  // an indicator that cannot be computed (too few 4h bars for sma_50): the same error, whichever thread met
  // it
  data["4h"] = random_walk(30, 4 * kNanosPerHour, 4);
  const std::string want =
      error_text([&] { (void)features::compute_feature_matrix(cfg, data, "1h", {}, {}, {}); });
  CHECK(want.find("sma_50") != std::string::npos);
  ThreadPool pool(3);
  features::FeatureOptions many;
  many.pool = &pool;
  CHECK(error_text([&] { (void)features::compute_feature_matrix(cfg, data, "1h", {}, {}, many); }) == want);
}
