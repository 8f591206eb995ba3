// The result document written by `ktrdr-backtest run --output` and stored per operation: header fields,
// config, the 22 reference metrics (sanitised as the reference to_dict), the extended block, every trade,
// the equity curve and timings. Doubles are printed shortest round-trip. Times are ISO-8601 UTC with Z.
#pragma once

#include <string>

#include "ktrdr/engine/backtest_result.h"
#include "ktrdr/engine/engine_options.h"

namespace ktrdr::engine {

struct PhaseSeconds {
  double load = 0.0;
  double features = 0.0;
  double inference = 0.0;
  double simulation = 0.0;
  double metrics = 0.0;
};

// Fields the engine does not know.
struct ResultHeader {
  std::string strategy_name;
  std::string symbol;
  std::string timeframe;
  std::string start_date;  // as given by the user ("" = unset)
  std::string end_date;
  double execution_time_seconds = 0.0;
  PhaseSeconds phase_seconds;
};

struct ResultJsonOptions {
  int indent = 2;                  // < 0: one line
  bool include_decisions = false;  // per-bar decisions (needs EngineOptions::record_decisions)
};

std::string result_to_json(const ResultHeader& header, const EngineOptions& options,
                           const BacktestResult& result, const ResultJsonOptions& json_options = {});

}  // namespace ktrdr::engine
