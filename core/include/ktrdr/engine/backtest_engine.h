// The bar-by-bar backtest loop (docs/reference.md §8). It consumes model outputs computed beforehand (batched
// inference), so it has no torch dependency. Single-threaded and deterministic: a run resumed from one of
// its checkpoints gives results bit-identical to the uninterrupted run.
//
//   engine::EngineInputs in;
//   in.bars = &bars;                      // base-timeframe bars after the date filter
//   in.outputs = outputs;                 // row-major [bars.size() x n_outputs] float32 model outputs
//   in.n_outputs = 3;
//   in.has_features = has_features;       // per bar, 0 = features absent (no decision, no equity point)
//   in.decisions = strategy.decisions;
//   engine::BacktestEngine eng(options);
//   engine::EngineOutcome out = eng.run(in, hooks, resume_blob_or_nullptr);
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "ktrdr/config/strategy_config.h"
#include "ktrdr/data/bar_series.h"
#include "ktrdr/engine/backtest_result.h"
#include "ktrdr/engine/engine_options.h"
#include "ktrdr/engine/progress.h"

namespace ktrdr::engine {

struct EngineInputs {
  const BarSeries* bars = nullptr;
  std::span<const float> outputs;  // bars->size() * n_outputs values, row-major
  size_t n_outputs = 0;
  std::span<const uint8_t> has_features;  // empty = every bar has features; else bars->size() flags
  config::DecisionConfig decisions;
};

struct EngineHooks {
  // Every options.progress_every_bars loop bars, and once at the end.
  std::function<void(const ProgressSnapshot&)> on_progress;
  // A self-contained checkpoint blob and the progress at its bar: every checkpoint_every_bars bars or
  // checkpoint_every_seconds seconds (the bar trigger held back by checkpoint_min_gap_seconds), and on
  // cancellation (the same blob as EngineOutcome::checkpoint). Built only when due.
  std::function<void(const std::string& blob, const ProgressSnapshot&)> on_checkpoint;
  // Polled every 1024 bars (well under 100 ms); true = stop, write a checkpoint, return kCancelled.
  const std::atomic<bool>* cancel = nullptr;
};

struct EngineOutcome {
  enum class Status { kCompleted, kCancelled };
  Status status = Status::kCompleted;
  BacktestResult result;   // kCompleted
  std::string checkpoint;  // kCancelled: resume from this blob
  ProgressSnapshot last_progress;
};

class BacktestEngine {
 public:
  // Validates the options (throws ktrdr::Error).
  explicit BacktestEngine(EngineOptions options);

  // Runs from the warm-up bar, or from `resume_blob` (a checkpoint of the same inputs and options;
  // anything else is rejected with ktrdr::Error). Throws ktrdr::Error on bad inputs (size mismatches,
  // fewer than warmup_bars + 1 bars).
  EngineOutcome run(const EngineInputs& inputs, const EngineHooks& hooks = {},
                    const std::string* resume_blob = nullptr) const;

  const EngineOptions& options() const { return options_; }

 private:
  EngineOptions options_;
};

}  // namespace ktrdr::engine
