// run_backtest_report: bars from a BarLoader (CSV files or series in memory) and the result as structs, with
// the same numbers as run_backtest's JSON document.
#include <doctest/doctest.h>

#include <string>

#include "ktrdr/common/error.h"
#include "ktrdr/common/time.h"
#include "ktrdr/data/ohlcv_loader.h"
#include "ktrdr/engine/result_json.h"
#include "ktrdr/runner/backtest_runner.h"
#include "ktrdr/runner/run_data.h"

using namespace ktrdr;

namespace {

const std::string kCase = std::string(KTRDR_TEST_DATA) + "/golden/v1_bench12";

runner::BacktestRequest golden_request() {
  runner::BacktestRequest req;
  req.model_dir = kCase + "/model";
  req.data_dir = kCase + "/data";
  req.symbol = "SYNTH";
  req.timeframe = "1h";
  req.start_date = "2020-01-06T00:00:00Z";
  req.end_date = "2020-06-26T23:00:00Z";
  req.mode = Mode::kKtrdr;
  return req;
}

}  // namespace

TEST_CASE("runner: bars in memory give the same result structs as the CSV file, and run_backtest's JSON") {
  const runner::BacktestRequest req = golden_request();
  const runner::ReportOutcome from_csv =
      runner::run_backtest_report(req, runner::csv_bar_loader(req.data_dir));
  // The whole file in memory, under the timeframe key; the request's range is applied by the loader.
  const BarSeries all = load_ohlcv_csv(kCase + "/data/SYNTH_1h.csv");
  runner::BacktestRequest no_dir = req;
  no_dir.data_dir.clear();
  no_dir.timeframe.clear();  // the model's base timeframe: 1h
  const runner::ReportOutcome from_memory =
      runner::run_backtest_report(no_dir, runner::memory_bar_loader({{"1h", all}}, "DataFrame"));
  REQUIRE(from_csv.status == runner::RunOutcome::Status::kCompleted);
  REQUIRE(from_memory.status == runner::RunOutcome::Status::kCompleted);
  CHECK(from_memory.report.result == from_csv.report.result);
  CHECK(from_memory.report.result.bars == 3000);
  CHECK(from_memory.report.result.trades.size() == 61);
  CHECK(from_memory.report.header.timeframe == "1h");
  CHECK(from_memory.report.header.symbol == "SYNTH");

  // run_backtest renders the same structs (the timings aside, which are copied over to compare the rest).
  const runner::RunOutcome json_run = runner::run_backtest(req);
  runner::RunReport report = from_csv.report;
  const std::string rendered = engine::result_to_json(report.header, report.options, report.result);
  CHECK(rendered.size() > 100000);
  const auto strip_timing = [](const std::string& doc) {
    return doc.substr(0, doc.find("\"execution_time_seconds\""));
  };
  CHECK(strip_timing(rendered) == strip_timing(json_run.result_json));
}

TEST_CASE("runner: a memory bar loader names the missing timeframe and an empty range") {
  BarSeries bars;
  bars.push_back(parse_timestamp_ns("2020-01-01", "t"), 1, 2, 0.5, 1.5, 10);
  bars.push_back(parse_timestamp_ns("2020-01-02", "t"), 1, 2, 0.5, 1.5, 10);
  const runner::BarLoader load = runner::memory_bar_loader({{"1d", bars}}, "DataFrame");
  CHECK(load("X", "1d", {}).size() == 2);
  CHECK(load("X", "1d", {parse_timestamp_ns("2020-01-02", "t"), std::nullopt}).size() == 1);
  CHECK_THROWS_WITH_AS(load("X", "4h", {}),
                       "DataFrame has no 4h bars (it holds 1d); pass bars for every timeframe "
                       "the strategy needs",
                       Error);
  CHECK_THROWS_WITH_AS(load("X", "1d", {parse_timestamp_ns("2021-01-01", "t"), std::nullopt}),
                       "DataFrame 1d: no bars between 2021-01-01T00:00:00Z and - (the data covers "
                       "2020-01-01T00:00:00Z .. 2020-01-02T00:00:00Z)",
                       Error);
  CHECK_THROWS_WITH_AS(runner::csv_bar_loader(""), "data directory is required", Error);
}
