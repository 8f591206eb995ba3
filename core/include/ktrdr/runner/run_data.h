// Loading the OHLCV a backtest needs (docs/reference.md §8 "Data loading"): one timeframe filtered to the
// requested range, or every timeframe of a multi-timeframe strategy rescoped to their common window.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "ktrdr/config/model_bundle.h"
#include "ktrdr/data/bar_series.h"
#include "ktrdr/data/ohlcv_loader.h"

namespace ktrdr::runner {

struct RunData {
  std::map<std::string, BarSeries> bars;  // timeframe -> bars
  std::string base_timeframe;
  std::string symbol;
  std::optional<int64_t> start_ns;  // requested bounds (for annualisation)
  std::optional<int64_t> end_ns;
};

// symbol/timeframe "" take the model's defaults. `load` says how files are read (cache, threads). Throws
// ktrdr::Error with what to fix.
RunData load_run_data(const config::ModelBundleInfo& bundle, const std::string& data_dir, const std::string& symbol,
                      const std::string& timeframe, const std::string& start_date, const std::string& end_date,
                      const LoadOptions& load = {});

}  // namespace ktrdr::runner
