// A golden case (tests/golden/<name>, copied from ../shared/golden) loaded for the feature tests: the
// model bundle and every timeframe's bars over the case's date range.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "ktrdr/common/time.h"
#include "ktrdr/config/model_bundle.h"
#include "ktrdr/data/ohlcv_loader.h"
#include "test_util.h"

namespace ktrdr::test {

struct GoldenCase {
  std::string dir;
  nlohmann::json meta;  // case.json
  config::ModelBundleInfo bundle;
  std::map<std::string, BarSeries> data;  // by timeframe
};

inline GoldenCase load_golden_case(const std::string& name) {
  GoldenCase g;
  g.dir = std::string(KTRDR_TEST_DATA) + "/golden/" + name;
  g.meta = nlohmann::json::parse(read_text(g.dir + "/case.json"));
  g.bundle = config::load_model_bundle(g.dir + "/model");
  DataRange range;
  range.start_ns = parse_timestamp_ns(g.meta["start_date"].get<std::string>(), "start_date");
  range.end_ns = parse_timestamp_ns(g.meta["end_date"].get<std::string>(), "end_date");
  for (const auto& tf : g.bundle.strategy.timeframes) {
    g.data[tf] = load_ohlcv(g.dir + "/data", g.meta["symbol"].get<std::string>(), tf, range);
  }
  return g;
}

}  // namespace ktrdr::test
