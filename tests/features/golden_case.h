// A golden case (tests/support/golden_case.h) loaded for the feature tests: the model bundle and every
// timeframe's bars over the case's date range.
#pragma once

#include <map>
#include <string>

#include "ktrdr/config/model_bundle.h"
#include "ktrdr/data/ohlcv_loader.h"
#include "support/golden_case.h"

namespace ktrdr::test {

struct GoldenFeatureCase {
  GoldenCase info;
  config::ModelBundleInfo bundle;
  std::map<std::string, BarSeries> data;  // by timeframe
};

inline GoldenFeatureCase load_golden_feature_case(const std::string& name) {
  GoldenFeatureCase g;
  g.info = load_golden_case(name);
  g.bundle = config::load_model_bundle(g.info.model_dir());
  DataRange range;
  range.start_ns = g.info.start_ns;
  range.end_ns = g.info.end_ns;
  for (const auto& tf : g.bundle.strategy.timeframes)
    g.data[tf] = load_ohlcv(g.info.data_dir(), g.info.symbol, tf, range);
  return g;
}

}  // namespace ktrdr::test
