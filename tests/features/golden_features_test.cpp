// Golden cases: features and indicator columns must match ktrdr's own output (tests/golden/*).
#include <doctest/doctest.h>

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "golden_case.h"
#include "ktrdr/common/time.h"
#include "ktrdr/config/model_bundle.h"
#include "ktrdr/data/ohlcv_loader.h"
#include "ktrdr/features/feature_frame.h"
#include "test_util.h"

using namespace ktrdr;

namespace {

void check_columns(const std::string& what, const std::vector<int64_t>& ts,
                   const std::vector<std::string>& names, const std::vector<std::vector<double>>& columns,
                   const test::Csv& expected, bool same_order) {
  REQUIRE(!expected.header.empty());
  REQUIRE(expected.header[0] == "timestamp");
  const std::vector<std::string> want(expected.header.begin() + 1, expected.header.end());
  if (same_order) CHECK(names == want);
  REQUIRE(ts.size() == expected.rows.size());
  for (size_t i = 0; i < ts.size(); ++i) {
    if (format_iso_utc(ts[i]) != expected.rows[i][0]) {
      FAIL_CHECK(what << ": row " << i << " timestamp " << format_iso_utc(ts[i])
                      << " != " << expected.rows[i][0]);
      return;
    }
  }
  for (size_t j = 0; j < want.size(); ++j) {
    const auto it = std::find(names.begin(), names.end(), want[j]);
    if (it == names.end()) {
      FAIL_CHECK(what << ": column " << want[j] << " not produced");
      continue;
    }
    const auto& col = columns[static_cast<size_t>(it - names.begin())];
    size_t bad = 0;
    for (size_t i = 0; i < ts.size(); ++i) {
      const double e = test::cell_value(expected.rows[i][j + 1]);
      if (!test::near(col[i], e, 1e-9)) {
        if (bad++ < 3) {
          FAIL_CHECK(what << ": " << want[j] << " row " << i << " (" << expected.rows[i][0] << "): got "
                          << fmt::format("{:.17g}", col[i]) << ", expected '" << expected.rows[i][j + 1]
                          << "'");
        }
      }
    }
    if (bad > 3) FAIL_CHECK(what << ": " << want[j] << ": " << bad << " mismatching rows in all");
  }
}

void run_case(const std::string& name) {
  const test::GoldenFeatureCase g = test::load_golden_feature_case(name);
  const auto& info = g.bundle;
  const auto& data = g.data;
  const std::string& dir = g.info.dir;
  features::FeatureOptions opt;
  opt.mode = Mode::kKtrdr;
  opt.include_indicators = true;
  const auto frame = features::compute_features(info.strategy, data, info.strategy.base_timeframe,
                                                info.resolved_features, info.normalization_params, opt);
  CHECK(frame.names == info.resolved_features);
  check_columns(name + " features", frame.ts_ns, frame.names, frame.columns,
                test::read_csv(dir + "/expected_features.csv"), true);
  check_columns(name + " indicators", frame.ts_ns, frame.indicator_names, frame.indicator_columns,
                test::read_csv(dir + "/expected_indicators.csv"), true);
}

}  // namespace

TEST_CASE("golden v1_bench12: features and indicators") {
  run_case("v1_bench12");
}
TEST_CASE("golden v2_macd_roc_raw: features and indicators") {
  run_case("v2_macd_roc_raw");
}
