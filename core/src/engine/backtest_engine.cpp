#include "ktrdr/engine/backtest_engine.h"

#include <chrono>
#include <optional>
#include <utility>

#include "engine/checkpoint_codec.h"
#include "ktrdr/common/error.h"
#include "ktrdr/decision/decision_function.h"
#include "ktrdr/metrics/performance_metrics.h"
#include "ktrdr/position/position_manager.h"

namespace ktrdr::engine {
namespace {

using Clock = std::chrono::steady_clock;
using decision::PositionSide;
using decision::Signal;

constexpr uint64_t kPollMask = 1023;  // cancellation / clock checks every 1024 bars

void check_inputs(const EngineInputs& in, const EngineOptions& o) {
  KTRDR_REQUIRE(in.bars != nullptr, "engine: no bars given");
  const BarSeries& b = *in.bars;
  const size_t n = b.size();
  KTRDR_REQUIRE(b.open.size() == n && b.close.size() == n, "engine: bar columns differ in length");
  KTRDR_REQUIRE(
      n > o.warmup_bars,
      "engine: insufficient data: {} bars, the {}-bar warm-up needs at least {}; widen the date range", n,
      o.warmup_bars, o.warmup_bars + 1);
  KTRDR_REQUIRE(in.n_outputs > 0, "engine: n_outputs must be > 0 (the model's output width)");
  KTRDR_REQUIRE(in.outputs.size() == n * in.n_outputs,
                "engine: model outputs hold {} values, expected bars x n_outputs = {} x {} = {}",
                in.outputs.size(), n, in.n_outputs, n * in.n_outputs);
  KTRDR_REQUIRE(in.has_features.empty() || in.has_features.size() == n,
                "engine: has_features holds {} flags for {} bars (give one per bar, or none)",
                in.has_features.size(), n);
}

}  // namespace

BacktestEngine::BacktestEngine(EngineOptions options) : options_(std::move(options)) {
  options_.validate();
}

EngineOutcome BacktestEngine::run(const EngineInputs& in, const EngineHooks& hooks,
                                  const std::string* resume_blob) const {
  check_inputs(in, options_);
  const EngineOptions& o = options_;
  const BarSeries& bars = *in.bars;
  const uint64_t n = bars.size();
  const uint64_t warmup = o.warmup_bars;
  const bool ktrdr = o.mode == Mode::kKtrdr;
  // Hashing every input costs ~5 % of a run: only when a checkpoint is read or written.
  std::optional<detail::Fingerprint> fingerprint_cache;
  auto fingerprint = [&]() -> const detail::Fingerprint& {
    if (!fingerprint_cache) fingerprint_cache = detail::make_fingerprint(in, o);
    return *fingerprint_cache;
  };

  position::PositionManager pm(position::PositionConfig{o.costs, o.mode, o.symbol});
  metrics::PerformanceTracker tracker;
  detail::LoopState loop;
  loop.next_bar = warmup;
  std::vector<DecisionRecord> decisions;
  if (resume_blob != nullptr) {
    detail::DecodedCheckpoint saved = detail::decode_checkpoint(*resume_blob);
    detail::require_same_run(saved.fingerprint, fingerprint());
    // (no checkpoint is written after the last bar)
    KTRDR_REQUIRE(saved.loop.next_bar >= warmup && saved.loop.next_bar < n,
                  "checkpoint is corrupt: next bar {} outside the loop range [{}, {}); restart the backtest",
                  saved.loop.next_bar, warmup, n);
    KTRDR_REQUIRE(o.record_decisions || saved.decisions.empty(),
                  "checkpoint is corrupt: unexpected decisions");
    loop = saved.loop;
    pm.restore(std::move(saved.positions));
    tracker.restore(detail::rebuild_tracker(saved.tracker, in, warmup, saved.loop.next_bar));
    decisions = std::move(saved.decisions);
  }
  tracker.reserve(n - warmup + 1);
  if (o.record_decisions) decisions.reserve(n - warmup);

  const decision::DecisionFunction decide(in.decisions);
  const float* outputs = in.outputs.data();
  const size_t k = in.n_outputs;
  const uint8_t* has_features = in.has_features.empty() ? nullptr : in.has_features.data();
  const uint64_t session_first = loop.next_bar;
  const auto session_start = Clock::now();
  auto last_checkpoint_time = session_start;
  uint64_t bars_since_checkpoint = 0;
  // countdown to the next progress report: when (next_bar - warmup) is a multiple of progress_every_bars
  const uint64_t progress_every = o.progress_every_bars;
  uint64_t progress_in = progress_every > 0 ? progress_every - (loop.next_bar - warmup) % progress_every : 0;

  // Progress after bar `idx` (the state holds bars up to idx).
  auto snapshot = [&](uint64_t idx) {
    ProgressSnapshot s;
    const uint64_t processed = idx + 1 >= warmup ? idx + 1 - warmup : 0;
    s.bars_total = n - warmup;
    s.bars_done = processed;
    s.bar_index = idx;
    s.current_ts_ns = bars.ts_ns[idx];
    s.percentage =
        s.bars_total > 0 ? static_cast<double>(s.bars_done) / static_cast<double>(s.bars_total) * 100.0 : 0.0;
    s.equity = pm.portfolio_value(bars.close[idx]);
    s.pnl = s.equity - o.costs.initial_capital;
    s.trades = pm.trades().size();
    uint64_t wins = 0;
    for (const auto& t : pm.trades()) wins += t.net_pnl > 0.0 ? 1 : 0;
    s.win_rate = s.trades > 0 ? static_cast<double>(wins) / static_cast<double>(s.trades) : 0.0;
    const double elapsed = std::chrono::duration<double>(Clock::now() - session_start).count();
    const uint64_t session_bars = idx + 1 > session_first ? idx + 1 - session_first : 0;
    s.bars_per_second = elapsed > 0.0 ? static_cast<double>(session_bars) / elapsed : 0.0;
    s.eta_seconds =
        s.bars_per_second > 0.0 ? static_cast<double>(s.bars_total - s.bars_done) / s.bars_per_second : 0.0;
    return s;
  };
  auto make_checkpoint = [&] {
    return detail::encode_checkpoint(fingerprint(),
                                     detail::StateView{&loop, &pm.state(), &tracker.state(), &decisions});
  };
  auto cancelled = [&]() {
    EngineOutcome out;
    out.status = EngineOutcome::Status::kCancelled;
    out.checkpoint = make_checkpoint();
    out.last_progress = snapshot(loop.next_bar > 0 ? loop.next_bar - 1 : 0);
    if (hooks.on_checkpoint) hooks.on_checkpoint(out.checkpoint, out.last_progress);
    return out;
  };

  if (hooks.cancel != nullptr && hooks.cancel->load(std::memory_order_relaxed) && loop.next_bar < n) {
    return cancelled();
  }

  for (uint64_t idx = loop.next_bar; idx < n; ++idx) {
    const int64_t ts = bars.ts_ns[idx];
    const double close = bars.close[idx];
    // 1. the signal decided on the previous bar fills at this bar's open
    if (loop.pending) {
      if (pm.execute(*loop.pending, bars.open[idx], ts, loop.pending_confidence)) loop.last_signal_ts_ns = ts;
      loop.pending.reset();
    }
    // 2. decide, mark to market, record equity (bars without features: none of it)
    if (has_features == nullptr || has_features[idx] != 0) {
      const PositionSide side = pm.side();
      const decision::Decision d = decide.decide(outputs + idx * k, k, side, ts, loop.last_signal_ts_ns);
      if (o.record_decisions) {
        decisions.push_back(DecisionRecord{idx, ts, side, d.signal, d.raw_signal, d.confidence, d.probs,
                                           d.predicted_return, d.error});
      }
      if (d.signal != Signal::kHold) {
        loop.pending = d.signal;
        loop.pending_confidence = d.confidence;
      }
      pm.update(close, ts);
      // corrected mode records the last bar after the force close (below)
      if (ktrdr || idx + 1 < n) tracker.update(ts, close, pm.portfolio_value(close), pm.side());
    }
    loop.next_bar = idx + 1;
    if (loop.next_bar == n) break;
    // 3. hooks, between bars: the state is exactly "bars < next_bar processed"
    if (progress_every > 0 && --progress_in == 0) {
      progress_in = progress_every;
      if (hooks.on_progress) hooks.on_progress(snapshot(idx));
    }
    const bool poll = ((loop.next_bar - session_first) & kPollMask) == 0;
    bool checkpoint_due = false;
    if (o.checkpoint_every_bars > 0 && ++bars_since_checkpoint >= o.checkpoint_every_bars) {
      // with a minimum gap, a due bar trigger waits for it (the clock is read when it falls due, then at
      // the polls)
      checkpoint_due = o.checkpoint_min_gap_seconds <= 0.0 ||
                       ((bars_since_checkpoint == o.checkpoint_every_bars || poll) &&
                        std::chrono::duration<double>(Clock::now() - last_checkpoint_time).count() >=
                            o.checkpoint_min_gap_seconds);
    }
    if (poll) {
      if (hooks.cancel != nullptr && hooks.cancel->load(std::memory_order_relaxed)) return cancelled();
      if (o.checkpoint_every_seconds > 0.0 &&
          std::chrono::duration<double>(Clock::now() - last_checkpoint_time).count() >=
              o.checkpoint_every_seconds) {
        checkpoint_due = true;
      }
    }
    if (checkpoint_due) {
      if (hooks.on_checkpoint) hooks.on_checkpoint(make_checkpoint(), snapshot(idx));
      bars_since_checkpoint = 0;
      last_checkpoint_time = Clock::now();
    }
  }

  // The signal from the last bar is dropped; the open position is closed at the last close.
  loop.pending.reset();
  const int64_t last_ts = bars.ts_ns[n - 1];
  const double last_close = bars.close[n - 1];
  pm.force_close(last_close, last_ts);
  if (!ktrdr) tracker.update(last_ts, last_close, pm.portfolio_value(last_close), pm.side());

  EngineOutcome out;
  out.status = EngineOutcome::Status::kCompleted;
  BacktestResult& r = out.result;
  metrics::MetricsInput mi;
  mi.tracker = &tracker.state();
  mi.trades = &pm.trades();
  mi.initial_capital = o.costs.initial_capital;
  mi.start_ns = o.start_ns;
  mi.end_ns = o.end_ns;
  mi.mode = o.mode;
  r.metrics = metrics::calculate_metrics(mi);
  r.extended = metrics::calculate_extended_metrics(tracker.state(), pm.trades(), o.costs.initial_capital);
  r.final_capital = pm.cash();
  r.bars = n;
  r.loop_bars = n - warmup;
  out.last_progress = snapshot(n - 1);
  if (hooks.on_progress) hooks.on_progress(out.last_progress);
  r.trades = pm.trades();
  r.equity_curve = tracker.release().equity_curve;
  r.decisions = std::move(decisions);
  return out;
}

}  // namespace ktrdr::engine
