// What ktrdr-worker does with one job, on the job thread: resolve the model under --models-root, pick the
// newest checkpoint (the broker's or our own), run ktrdr::runner::run_backtest with
// progress/checkpoint/cancel hooks, and report the outcome through the JobContext.
#pragma once

#include <memory>

#include "ktrdr/data/bar_cache.h"
#include "ktrdr/net/checkpoint_store.h"
#include "ktrdr/net/worker_session.h"
#include "worker_options.h"

namespace ktrdr::worker {

class BacktestJob {
 public:
  BacktestJob(JobSettings settings, net::CheckpointStore& store)
      : settings_(std::move(settings)),
        store_(store),
        cache_(settings_.bar_cache_dir.empty() ? nullptr
                                               : std::make_shared<BarCache>(settings_.bar_cache_dir)) {}
  void operator()(net::JobContext& ctx);

 private:
  JobSettings settings_;
  net::CheckpointStore& store_;
  std::shared_ptr<BarCache> cache_;  // shared by the copies of this job runner, kept for the worker's life
};

}  // namespace ktrdr::worker
