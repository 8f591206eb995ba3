// The run request of a golden case (tests/golden/<name>/case.json: symbol, timeframe, dates, costs, mode).
#pragma once

#include <string>

#include "ktrdr/runner/backtest_runner.h"
#include "support/golden_case.h"

namespace ktrdr::test {

inline runner::BacktestRequest golden_request(const std::string& name) {
  const GoldenCase g = load_golden_case(name);
  runner::BacktestRequest req;
  req.model_dir = g.model_dir();
  req.data_dir = g.data_dir();
  req.symbol = g.symbol;
  req.timeframe = g.timeframe;
  req.start_date = g.start_date;
  req.end_date = g.end_date;
  req.costs = g.costs;
  req.mode = g.mode;
  return req;
}

}  // namespace ktrdr::test
