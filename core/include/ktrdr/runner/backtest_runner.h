// The whole backtest pipeline for one job: model directory + data -> features -> batched inference ->
// engine loop -> metrics -> result JSON. Used by `ktrdr-backtest run` (embedded) and by the worker daemon.
// Torch-free header; the implementation links ktrdr::model.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "ktrdr/common/mode.h"
#include "ktrdr/common/trading_costs.h"
#include "ktrdr/engine/progress.h"

namespace ktrdr {
class BarCache;
}

namespace ktrdr::runner {

struct BacktestRequest {
  std::string model_dir;   // reference model directory (metadata_v3.json, config.json, model.pt, ...)
  std::string data_dir;    // holds {symbol}_{timeframe}.csv
  std::string symbol;      // "" = the model's first training symbol
  std::string timeframe;   // "" = the model's base timeframe
  std::string start_date;  // YYYY-MM-DD or ISO-8601, inclusive, naive = UTC ("" = first bar)
  std::string end_date;    // same ("" = last bar)
  TradingCosts costs;
  Mode mode = Mode::kCorrected;
  uint64_t checkpoint_every_bars = 10000;
  double checkpoint_every_seconds = 30.0;
  double checkpoint_min_gap_seconds = 0.0;  // see engine::EngineOptions (workers use ~1 s)
  uint64_t progress_every_bars = 1000;

  // How the run uses the machine; the results do not depend on either.
  unsigned threads = 1;           // a pool of this many threads (caller included) for parsing, indicators,
                                  // fuzzy blocks and inference, owned by the run
  BarCache* bar_cache = nullptr;  // parsed-data cache (ktrdr/data/bar_cache.h), may be shared by runs;
                                  // nullptr: data files are parsed every time

  // Throws ktrdr::Error naming the field when a value is out of range (capital <= 0, bad mode, ...).
  void validate() const;
};

struct RunHooks {
  std::function<void(const engine::ProgressSnapshot&)> on_progress;
  // Called with a self-contained, versioned checkpoint blob (msgpack) and the progress at that bar.
  std::function<void(const std::string& checkpoint, const engine::ProgressSnapshot&)> on_checkpoint;
  const std::atomic<bool>* cancel = nullptr;  // polled often enough to stop within 100 ms
};

struct RunOutcome {
  enum class Status { kCompleted, kCancelled };
  Status status = Status::kCompleted;
  std::string result_json;  // kCompleted: the JSON that `ktrdr-backtest run --output` writes
  std::string checkpoint;   // kCancelled: the state to resume from
  engine::ProgressSnapshot last_progress;
};

// Runs the job. `resume_checkpoint`, when given, continues from that state (the inputs must be the same
// job: mismatches are rejected with a clear error). Throws ktrdr::Error on bad input.
RunOutcome run_backtest(const BacktestRequest& request, const RunHooks& hooks = {},
                        const std::string* resume_checkpoint = nullptr);

}  // namespace ktrdr::runner
