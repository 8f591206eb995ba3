// What ktrdr-worker does with one job, on the job thread: resolve the model under --models-root, pick the
// newest checkpoint (the broker's or our own), run ktrdr::runner::run_backtest with
// progress/checkpoint/cancel hooks, and report the outcome through the JobContext.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "ktrdr/data/bar_cache.h"
#include "ktrdr/worker/checkpoint_store.h"
#include "ktrdr/worker/worker_session.h"

namespace ktrdr::worker {

// Where jobs find their inputs and how often they checkpoint (ktrdr-worker's options).
struct JobSettings {
  std::string models_root;
  std::string data_dir;
  uint64_t checkpoint_every_bars = 10000;
  double checkpoint_every_seconds = 30.0;
  // The N-bar trigger waits this long after the previous checkpoint: at millions of bars per second an
  // every-10000-bars checkpoint (synced to RocksDB and sent to the broker) costs far more than the bars it
  // saves (+420-560 % on a 1 M-bar run at gap 0). See engine::EngineOptions.
  double checkpoint_min_gap_seconds = 1.0;
  // Threads per backtest (1: a host runs many workers; raise it for a worker that has the machine alone).
  unsigned threads = 1;
  // Parsed-data cache of this worker ("" = none); the default is <state-dir>/bar-cache.
  std::string bar_cache_dir;
};

class BacktestJob {
 public:
  BacktestJob(JobSettings settings, CheckpointStore& store)
      : settings_(std::move(settings)),
        store_(store),
        cache_(settings_.bar_cache_dir.empty() ? nullptr
                                               : std::make_shared<BarCache>(settings_.bar_cache_dir)) {}
  void operator()(JobContext& ctx);

 private:
  JobSettings settings_;
  CheckpointStore& store_;
  std::shared_ptr<BarCache> cache_;  // shared by the copies of this job runner, kept for the worker's life
};

}  // namespace ktrdr::worker
