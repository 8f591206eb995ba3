// Loading the OHLCV a backtest needs (docs/reference.md §8 "Data loading"): one timeframe filtered to the
// requested range, or every timeframe of a multi-timeframe strategy rescoped to their common window. The bars
// come from a BarLoader: CSV files under a data directory, or series already in memory (the Python module).
#pragma once

#include <cstdint>
#include <functional>
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

// The bars of one symbol and timeframe within the inclusive range. Throws ktrdr::Error naming what is missing
// (no such file / timeframe, no bars in the range).
using BarLoader =
    std::function<BarSeries(const std::string& symbol, const std::string& timeframe, const DataRange& range)>;

// {data_dir}/{symbol}_{timeframe}.csv (load_ohlcv); `load` says how files are read (cache, threads). Throws
// if data_dir is empty.
BarLoader csv_bar_loader(const std::string& data_dir, const LoadOptions& load = {});
// Series already in memory, keyed by timeframe (valid, e.g. checked by BarSeries::validate); the symbol is
// not looked at. `origin` names them in errors ("DataFrame").
BarLoader memory_bar_loader(std::map<std::string, BarSeries> bars, std::string origin);

// The timeframe a run uses when none is given: the strategy's base timeframe, else the model's first training
// timeframe. Throws when the model names neither.
std::string default_timeframe(const config::ModelBundleInfo& bundle);

// symbol/timeframe "" take the model's defaults. Throws ktrdr::Error with what to fix.
RunData load_run_data(const config::ModelBundleInfo& bundle, const BarLoader& loader,
                      const std::string& symbol, const std::string& timeframe, const std::string& start_date,
                      const std::string& end_date);
inline RunData load_run_data(const config::ModelBundleInfo& bundle, const std::string& data_dir,
                             const std::string& symbol, const std::string& timeframe,
                             const std::string& start_date, const std::string& end_date,
                             const LoadOptions& load = {}) {
  return load_run_data(bundle, csv_bar_loader(data_dir, load), symbol, timeframe, start_date, end_date);
}

}  // namespace ktrdr::runner
