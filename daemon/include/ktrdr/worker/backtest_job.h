// What ktrdr-worker does with one job, on the job thread: resolve the model under --models-root, pick the
// newest checkpoint (the broker's or our own), run ktrdr::runner::run_backtest with
// progress/checkpoint/cancel hooks, and report the outcome through the JobContext.
#pragma once

#include <cstdint>
#include <string>

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
};

class BacktestJob {
 public:
  BacktestJob(JobSettings settings, CheckpointStore& store) : settings_(std::move(settings)), store_(store) {}
  void operator()(JobContext& ctx);

 private:
  JobSettings settings_;
  CheckpointStore& store_;
};

}  // namespace ktrdr::worker
