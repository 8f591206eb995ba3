// One backtest job on the worker's job thread (backtest_job.h).
#include "ktrdr/worker/backtest_job.h"

#include "ktrdr/common/error.h"
#include "ktrdr/common/log.h"
#include "ktrdr/common/time.h"
#include "ktrdr/runner/backtest_runner.h"
#include "ktrdr/worker/job_paths.h"

namespace ktrdr::worker {

using proto::ErrorCode;

namespace {

proto::Progress to_progress(const engine::ProgressSnapshot& s) {
  proto::Progress p;
  p.percentage = s.percentage;
  p.bars_done = s.bars_done;
  p.bars_total = s.bars_total;
  p.bar_index = s.bar_index;
  p.current_ts_ns = s.current_ts_ns;
  p.current_date = s.current_ts_ns != 0 ? format_iso_utc(s.current_ts_ns) : std::string();
  p.equity = s.equity;
  p.pnl = s.pnl;
  p.trades = s.trades;
  p.win_rate = s.win_rate;
  p.bars_per_second = s.bars_per_second;
  p.eta_seconds = s.eta_seconds;
  return p;
}

}  // namespace

void BacktestJob::operator()(JobContext& ctx) {
  const proto::Job& job = ctx.job();
  if (job.job.job_type == "noop") {  // bench/test path: no model, no data
    proto::Progress p;
    p.percentage = 100.0;
    ctx.result(R"({"noop":true})", p);
    return;
  }
  ResolvedModel model;
  if (proto::Status s = resolve_model_dir(settings_.models_root, job.job, model); !s.ok()) {
    // Outside the roots: refused for good. Not found here: another worker may have it.
    ctx.failure(ErrorCode::kRefused, s.message, s.code != ErrorCode::kRefused);
    return;
  }
  runner::BacktestRequest req;
  req.model_dir = model.model_dir;
  req.data_dir = settings_.data_dir;
  req.symbol = job.job.symbol;
  req.timeframe = job.job.timeframe.empty() ? model.timeframe : job.job.timeframe;
  req.start_date = job.job.start_date;
  req.end_date = job.job.end_date;
  req.costs = job.job.costs;
  req.mode = job.job.mode;
  req.checkpoint_every_bars = settings_.checkpoint_every_bars;
  req.checkpoint_every_seconds = settings_.checkpoint_every_seconds;
  req.checkpoint_min_gap_seconds = settings_.checkpoint_min_gap_seconds;
  req.threads = settings_.threads;
  req.bar_cache = cache_.get();

  // The newest state wins: ours (kept across broker loss) or the one the broker sent.
  std::string resume = job.checkpoint;
  uint64_t resume_bar = job.checkpoint_bar;
  StoreResult<proto::Checkpoint> local = store_.latest(job.op_id);
  if (local.found() && (resume.empty() || local.value->bar_index > resume_bar)) {
    resume = std::move(local.value->blob);
    resume_bar = local.value->bar_index;
  } else if (!local.found() && !local.not_found()) {
    log::error("job {}: {} (using {})", job.op_id, local.status.message,
               resume.empty() ? "no checkpoint" : "the broker's checkpoint");
  }
  if (!resume.empty()) log::info("job {}: resuming from bar {}", job.op_id, resume_bar);

  auto save = [&](const std::string& blob, uint64_t bar, proto::CheckpointReason reason) {
    if (StoreStatus s = store_.put(proto::Checkpoint{job.op_id, job.attempt, 0, bar, reason, blob}); !s.ok())
      log::error("job {}: {}", job.op_id, s.message);  // the broker still gets its copy
    ctx.checkpoint(bar, blob, reason);
  };
  runner::RunHooks hooks;
  hooks.on_progress = [&](const engine::ProgressSnapshot& s) { ctx.progress(to_progress(s)); };
  hooks.on_checkpoint = [&](const std::string& blob, const engine::ProgressSnapshot& s) {
    save(blob, s.bar_index, proto::CheckpointReason::kPeriodic);
    ctx.progress(to_progress(s), true);
  };
  hooks.cancel = &ctx.cancel_flag();
  try {
    runner::RunOutcome out = run_backtest(req, hooks, resume.empty() ? nullptr : &resume);
    if (out.status == runner::RunOutcome::Status::kCompleted) {
      if (StoreStatus s = store_.remove_all(job.op_id); !s.ok())
        log::warn("job {}: {}", job.op_id, s.message);
      ctx.result(std::move(out.result_json), to_progress(out.last_progress));
      return;
    }
    const bool shutdown = ctx.shutting_down();
    if (!out.checkpoint.empty())
      save(out.checkpoint, out.last_progress.bar_index,
           shutdown ? proto::CheckpointReason::kShutdown : proto::CheckpointReason::kCancel);
    ctx.failure(shutdown ? ErrorCode::kShuttingDown : ErrorCode::kCancelled,
                fmt::format("stopped at bar {} ({})", out.last_progress.bar_index,
                            shutdown ? "worker shutting down" : "cancelled"),
                true);
  } catch (const std::exception& e) {
    ctx.failure(ErrorCode::kRunFailed, e.what(), true);
  }
}

}  // namespace ktrdr::worker
