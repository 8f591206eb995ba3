// Feature resolution (docs/reference.md §2.1) and alignment-mode names.
#include <doctest/doctest.h>

#include "ktrdr/common/error.h"
#include "ktrdr/config/strategy_config.h"
#include "ktrdr/features/feature_frame.h"
#include "test_util.h"

using namespace ktrdr;

TEST_CASE("resolve_features gives exactly the 7 names of the reference example (docs/reference.md §1.6)") {
  const auto cfg = config::parse_strategy_yaml(test::kDemoStrategy, "demo.yaml");
  const std::vector<std::string> expected{
      "1h_rsi_zone_oversold", "1h_rsi_zone_overbought", "4h_rsi_zone_oversold", "4h_rsi_zone_overbought",
      "1h_trend_weak",        "1h_trend_strong",        "1h_adx_14.adx_raw"};
  CHECK(features::resolve_features(cfg) == expected);
}

TEST_CASE("resolve_features: 'all' follows the timeframe list order - raw refs are kept literally") {
  config::StrategyConfig cfg = config::parse_strategy_yaml(test::kDemoStrategy, "demo.yaml");
  cfg.timeframes = {"4h", "1h"};
  cfg.nn_inputs[2].timeframes = {"4h", "1h"};
  const auto names = features::resolve_features(cfg);
  REQUIRE(names.size() == 8);
  CHECK(names[0] == "4h_rsi_zone_oversold");
  CHECK(names[2] == "1h_rsi_zone_oversold");
  CHECK(names[6] == "4h_adx_14.adx_raw");
  CHECK(names[7] == "1h_adx_14.adx_raw");
  cfg.timeframes.clear();
  CHECK_THROWS_AS(features::resolve_features(cfg), Error);
}
