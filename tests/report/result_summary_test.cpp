// result_summary_json: the result without its series, plus their lengths (the REST API's result_summary).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "ktrdr/common/error.h"
#include "ktrdr/report/result_summary.h"
#include "sample_result.h"

TEST_CASE("result_summary_json keeps every member but the series in order and counts the series") {
  const auto summary =
      nlohmann::ordered_json::parse(ktrdr::report::result_summary_json(ktrdr::test::kSampleResult));
  std::vector<std::string> keys;
  for (const auto& [k, v] : summary.items()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"strategy_name", "symbol", "timeframe", "start_date", "end_date",
                                         "mode", "config", "metrics", "extended", "execution_time_seconds",
                                         "phase_seconds", "trade_count", "equity_curve_length"});
  CHECK(summary["trade_count"] == 2);
  CHECK(summary["equity_curve_length"] == 6);
  CHECK(summary["metrics"]["total_return"] == 4321.5);
  CHECK(summary["config"]["initial_capital"] == 100000.0);
  const auto full = nlohmann::ordered_json::parse(ktrdr::test::kSampleResult);
  CHECK(summary["metrics"] == full["metrics"]);
  CHECK(summary["extended"] == full["extended"]);
}

TEST_CASE("result_summary_json of a result without series counts zero and rejects what is not an object") {
  const auto summary =
      nlohmann::json::parse(ktrdr::report::result_summary_json(R"({"metrics": {"total_trades": 0}})"));
  CHECK(summary["trade_count"] == 0);
  CHECK(summary["equity_curve_length"] == 0);
  CHECK_THROWS_AS(ktrdr::report::result_summary_json("[1, 2]"), ktrdr::Error);
  CHECK_THROWS_AS(ktrdr::report::result_summary_json("{\"metrics\": "), ktrdr::Error);
}
