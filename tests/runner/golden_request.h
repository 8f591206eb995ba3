// The run request of a golden case (tests/golden/<name>/case.json: symbol, timeframe, dates, costs), mode
// ktrdr.
#pragma once

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "ktrdr/runner/backtest_runner.h"

namespace ktrdr::test {

inline runner::BacktestRequest golden_request(const std::string& name) {
  const std::string dir = std::string(KTRDR_TEST_DATA) + "/golden/" + name;
  std::ifstream in(dir + "/case.json");
  const nlohmann::json c = nlohmann::json::parse(in);
  runner::BacktestRequest req;
  req.model_dir = dir + "/model";
  req.data_dir = dir + "/data";
  req.symbol = c["symbol"];
  req.timeframe = c["timeframe"];
  req.start_date = c["start_date"];
  req.end_date = c["end_date"];
  req.initial_capital = c["initial_capital"];
  req.commission = c["commission"];
  req.slippage = c["slippage"];
  req.mode = "ktrdr";
  return req;
}

}  // namespace ktrdr::test
