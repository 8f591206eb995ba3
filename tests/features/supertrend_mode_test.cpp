// The reference's broken supertrend (trend all NaN) is reproduced only in ktrdr mode (docs/decisions.md); the
// corrected mode computes it properly. compute_features must pass the mode down to the indicator.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "ktrdr/common/time.h"
#include "ktrdr/config/strategy_config.h"
#include "ktrdr/features/feature_frame.h"

using namespace ktrdr;

namespace {

const char* kSupertrend = R"(name: st_raw
training_data:
  symbols: {mode: single, symbol: TEST}
  timeframes: {mode: single, timeframe: 1h}
indicators:
  st_10: {type: supertrend, period: 10, multiplier: 3.0}
  sma_3: {type: sma, period: 3}
fuzzy_sets:
  level: {indicator: sma_3, low: [0, 100, 110], high: [100, 110, 200]}
nn_inputs:
  - {fuzzy_set: level, timeframes: all}
  - {raw_indicator: st_10, timeframes: all}
model: {type: mlp, architecture: {hidden_layers: [4]}}
decisions: {}
training: {}
)";

std::map<std::string, BarSeries> hourly(size_t n) {
  BarSeries b;
  for (size_t i = 0; i < n; ++i) {
    const double c = 100 + 5 * std::sin(static_cast<double>(i) / 4.0);
    b.push_back(static_cast<int64_t>(i) * kNanosPerHour, c - 0.5, c + 1, c - 1, c, 100);
  }
  std::map<std::string, BarSeries> data;
  data["1h"] = std::move(b);
  return data;
}

const std::vector<double>& column(const features::FeatureFrame& f, const std::string& name) {
  const auto it = std::find(f.names.begin(), f.names.end(), name);
  REQUIRE_MESSAGE(it != f.names.end(), name << " not in frame");
  return f.columns[static_cast<size_t>(it - f.names.begin())];
}

}  // namespace

TEST_CASE("supertrend raw feature: all NaN in ktrdr mode, finite after warm-up in corrected mode") {
  const auto cfg = config::parse_strategy_yaml(kSupertrend, "st_raw.yaml");
  const auto data = hourly(60);
  features::FeatureOptions opt;

  opt.mode = Mode::kKtrdr;
  const auto ktrdr = features::compute_features(cfg, data, "1h", {}, {}, opt);
  const auto& as_is = column(ktrdr, "1h_st_10_raw");
  REQUIRE(as_is.size() == 60);
  CHECK(std::all_of(as_is.begin(), as_is.end(), [](double v) { return std::isnan(v); }));

  opt.mode = Mode::kCorrected;
  const auto corrected = features::compute_features(cfg, data, "1h", {}, {}, opt);
  const auto& fixed = column(corrected, "1h_st_10_raw");
  REQUIRE(fixed.size() == 60);
  // ATR(10) is a simple rolling mean of TR: its first value, and the bands', is at bar 9.
  for (size_t i = 0; i < 9; ++i) CHECK_MESSAGE(std::isnan(fixed[i]), "row " << i);
  for (size_t i = 9; i < 60; ++i) CHECK_MESSAGE(std::isfinite(fixed[i]), "row " << i << ": " << fixed[i]);
}
