// compute_features: columns, multi-timeframe alignment through the whole pipeline, errors, to_matrix.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "ktrdr/common/error.h"
#include "ktrdr/common/time.h"
#include "ktrdr/config/strategy_config.h"
#include "ktrdr/features/feature_frame.h"
#include "test_util.h"

using namespace ktrdr;
using ktrdr::Mode;

namespace {

const double kNaN = std::nan("");

// Hourly (or any step) bars whose close is `closes[i]`; OHLC kept consistent.
BarSeries bars(const std::vector<double>& closes, int64_t step_ns, int64_t first_ns = 0) {
  BarSeries b;
  for (size_t i = 0; i < closes.size(); ++i) {
    const double c = closes[i];
    b.push_back(first_ns + static_cast<int64_t>(i) * step_ns, c, c + 1, c - 1, c, 100);
  }
  return b;
}

// SMA(2) on two timeframes, a raw input and a fuzzy set on it.
const char* kTwoTf = R"(name: two_tf
training_data:
  symbols: {mode: single, symbol: TEST}
  timeframes: {mode: multi_timeframe, list: [1h, 4h], base_timeframe: 1h}
indicators:
  sma_2: {type: sma, period: 2}
fuzzy_sets:
  level: {indicator: sma_2, low: [0, 10, 20], high: [10, 20, 30]}
nn_inputs:
  - {fuzzy_set: level, timeframes: all}
  - {raw_indicator: sma_2, timeframes: [4h]}
model: {type: mlp, architecture: {hidden_layers: [4]}}
decisions: {}
training: {}
)";

void check_column(const features::FeatureFrame& f, const std::string& name, const std::vector<double>& want) {
  const auto it = std::find(f.names.begin(), f.names.end(), name);
  REQUIRE_MESSAGE(it != f.names.end(), name << " not in frame");
  const auto& got = f.columns[static_cast<size_t>(it - f.names.begin())];
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    INFO(name << " row " << i << ": got " << got[i] << " want " << want[i]);
    CHECK(test::near(got[i], want[i], 1e-15));
  }
}

}  // namespace

TEST_CASE("two timeframes through the whole pipeline, both alignment modes") {
  const auto cfg = config::parse_strategy_yaml(kTwoTf, "two_tf.yaml");
  std::map<std::string, BarSeries> data;
  data["1h"] = bars({10, 12, 14, 16, 18, 20, 22, 24}, kNanosPerHour);
  data["4h"] = bars({8, 16}, 4 * kNanosPerHour);  // sma_2 on 4h: NaN, 12
  const std::vector<std::string> names{"1h_level_low", "1h_level_high", "4h_level_low", "4h_level_high",
                                       "4h_sma_2_raw"};
  features::FeatureOptions opt;
  SUBCASE("ktrdr") {
    const auto f = features::compute_features(cfg, data, "1h", {}, {}, opt);
    CHECK(f.names == names);
    CHECK(f.ts_ns == data["1h"].ts_ns);
    // 1h sma_2: NaN 11 13 15 17 19 21 23 (base NaN left alone)
    check_column(f, "1h_level_low", {kNaN, 0.9, 0.7, 0.5, 0.3, 0.1, 0, 0});
    check_column(f, "1h_level_high", {kNaN, 0.1, 0.3, 0.5, 0.7, 0.9, 0.9, 0.7});
    // 4h: reindexed NaN x4, 12 x4, then back-filled with 12 (look-ahead, as-is)
    check_column(f, "4h_sma_2_raw", {12, 12, 12, 12, 12, 12, 12, 12});
    check_column(f, "4h_level_low", {0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8});
    check_column(f, "4h_level_high", {0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2});
  }
  SUBCASE("corrected") {
    opt.mode = Mode::kCorrected;
    const auto f = features::compute_features(cfg, data, "1h", {}, {}, opt);
    // the 00:00 4h bar (sma NaN) is visible from the 03:00 bar on and stays NaN; the 04:00 bar closes at
    // 08:00, when the 07:00 hourly bar closes.
    check_column(f, "4h_sma_2_raw", {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, 12});
    check_column(f, "1h_level_low", {kNaN, 0.9, 0.7, 0.5, 0.3, 0.1, 0, 0});
    data["4h"] = bars({8, 16, 20}, 4 * kNanosPerHour);  // a bar at 08:00 closing after the data: not visible
    const auto g = features::compute_features(cfg, data, "1h", {}, {}, opt);
    check_column(g, "4h_sma_2_raw", {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, 12});
  }
  SUBCASE("normalisation of a raw feature with the model's params") {
    std::map<std::string, config::NormalizationParams> norm;
    norm["4h_sma_2_raw"] = {"minmax", 10, 14, 0, 0};
    const auto f = features::compute_features(cfg, data, "1h", {"4h_sma_2_raw"}, norm, opt);
    check_column(f, "4h_sma_2_raw", {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5});
  }
}

TEST_CASE("expected order wins - missing features are an error listing missing and available names") {
  const auto cfg = config::parse_strategy_yaml(kTwoTf, "two_tf.yaml");
  std::map<std::string, BarSeries> data;
  data["1h"] = bars({10, 12, 14, 16, 18, 20, 22, 24}, kNanosPerHour);
  data["4h"] = bars({8, 16}, 4 * kNanosPerHour);
  features::FeatureOptions opt;
  const auto f = features::compute_features(cfg, data, "1h", {"4h_sma_2_raw", "1h_level_high"}, {}, opt);
  CHECK(f.names == std::vector<std::string>{"4h_sma_2_raw", "1h_level_high"});
  REQUIRE(f.warnings.size() == 1);  // the other three resolved features are dropped
  CHECK(f.warnings[0].find("3 resolved features are not model inputs") != std::string::npos);

  try {
    features::compute_features(cfg, data, "1h", {"1h_level_low", "1d_level_low", "1h_sma_3_raw"}, {}, opt);
    FAIL("expected an error");
  } catch (const Error& e) {
    const std::string msg = e.what();
    INFO(msg);
    CHECK(msg.find("feature mismatch: 2 of the 3 expected features") != std::string::npos);
    CHECK(msg.find("on timeframes [1h, 4h]: missing 1d_level_low, 1h_sma_3_raw; available 1h_level_low, "
                   "1h_level_high, 1h_sma_2_raw, 4h_level_low, 4h_level_high, 4h_sma_2_raw") !=
          std::string::npos);
  }
  data["4h"] = bars({8}, 4 * kNanosPerHour);  // too short for sma_2: the error names timeframe and indicator
  try {
    features::compute_features(cfg, data, "1h", {}, {}, opt);
    FAIL("expected an error");
  } catch (const Error& e) {
    const std::string msg = e.what();
    CHECK(msg.find("timeframe 4h: ") == 0);
    CHECK(msg.find("sma_2") != std::string::npos);
  }
  data.erase("4h");
  CHECK_THROWS_WITH_AS(features::compute_features(cfg, data, "4h", {}, {}, opt),
                       "base timeframe 4h has no bar data (have: 1h)", Error);
}

TEST_CASE("include_indicators and to_matrix") {
  const auto cfg = config::parse_strategy_yaml(kTwoTf, "two_tf.yaml");
  std::map<std::string, BarSeries> data;
  data["1h"] = bars({10, 12, 14}, kNanosPerHour);
  data["4h"] = bars({8, 16}, 4 * kNanosPerHour);
  features::FeatureOptions opt;
  opt.include_indicators = true;
  const auto f = features::compute_features(cfg, data, "1h", {"1h_level_low", "4h_sma_2_raw"}, {}, opt);
  CHECK(f.indicator_names == std::vector<std::string>{"1h_sma_2"});
  REQUIRE(f.indicator_columns.size() == 1);
  CHECK(std::isnan(f.indicator_columns[0][0]));
  CHECK(f.indicator_columns[0][1] == 11);
  const auto m = features::to_matrix(f);
  CHECK(m.rows == 3);
  CHECK(m.cols == 2);
  CHECK(m.names == f.names);
  CHECK(std::isnan(m.row(0)[0]));
  CHECK(m.row(1)[0] == doctest::Approx(0.9f));
  CHECK(m.row(2)[0] == doctest::Approx(0.7f));
  CHECK(m.row(2)[1] == 0.0f);  // 4h: only the warm-up bar is visible, all NaN -> 0 (ktrdr fill)
  CHECK(m.values.size() == 6);
}
