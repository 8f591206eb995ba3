// The bar loop (backtest_engine.h). EngineRun holds one run's state; its step() is the per-bar rules of
// docs/reference.md §8 in one screen, and what happens around the loop stands beside it: resuming from a
// checkpoint (resume), the progress snapshot (snapshot), the checkpoint schedule (CheckpointSchedule), what
// happens between two bars (between_bars) and the end of the run (finish).
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

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

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

// When to checkpoint (engine_options.h): every N bars, the N-bar trigger held back until
// checkpoint_min_gap_seconds have passed since the previous checkpoint (the clock is read when it falls
// due, then at the polls), or every T seconds (read at the polls).
class CheckpointSchedule {
 public:
  CheckpointSchedule(const EngineOptions& o, Clock::time_point start)
      : every_bars_(o.checkpoint_every_bars),
        every_seconds_(o.checkpoint_every_seconds),
        min_gap_seconds_(o.checkpoint_min_gap_seconds),
        last_(start) {}

  // After a loop bar; `poll`: one of the bars where the clock may be read.
  bool due(bool poll) {
    bool due = false;
    if (every_bars_ > 0 && ++bars_since_ >= every_bars_) {
      due = min_gap_seconds_ <= 0.0 ||
            ((bars_since_ == every_bars_ || poll) && seconds_since(last_) >= min_gap_seconds_);
    }
    if (poll && every_seconds_ > 0.0 && seconds_since(last_) >= every_seconds_) due = true;
    return due;
  }
  void written() {
    bars_since_ = 0;
    last_ = Clock::now();
  }

 private:
  uint64_t every_bars_;
  double every_seconds_;
  double min_gap_seconds_;
  Clock::time_point last_;
  uint64_t bars_since_ = 0;
};

class EngineRun {
 public:
  EngineRun(const EngineInputs& in, const EngineOptions& o, const EngineHooks& hooks)
      : in_(in),
        o_(o),
        hooks_(hooks),
        bars_(*in.bars),
        n_(bars_.size()),
        ktrdr_(o.mode == Mode::kKtrdr),
        pm_(position::PositionConfig{o.costs, o.mode, o.symbol}),
        decide_(in.decisions),
        outputs_(in.outputs.data()),
        k_(in.n_outputs),
        has_features_(in.has_features.empty() ? nullptr : in.has_features.data()) {
    loop_.next_bar = o.warmup_bars;
  }

  // Continues from a checkpoint of the same inputs and options (anything else: ktrdr::Error).
  void resume(const std::string& blob) {
    detail::DecodedCheckpoint saved = detail::decode_checkpoint(blob);
    detail::require_same_run(saved.fingerprint, fingerprint());
    // (no checkpoint is written after the last bar)
    KTRDR_REQUIRE(saved.loop.next_bar >= o_.warmup_bars && saved.loop.next_bar < n_,
                  "checkpoint is corrupt: next bar {} outside the loop range [{}, {}); restart the backtest",
                  saved.loop.next_bar, o_.warmup_bars, n_);
    KTRDR_REQUIRE(o_.record_decisions || saved.decisions.empty(),
                  "checkpoint is corrupt: unexpected decisions");
    loop_ = saved.loop;
    pm_.restore(std::move(saved.positions));
    tracker_.restore(detail::rebuild_tracker(saved.tracker, in_, o_.warmup_bars, saved.loop.next_bar));
    decisions_ = std::move(saved.decisions);
  }

  EngineOutcome run() {
    tracker_.reserve(n_ - o_.warmup_bars + 1);
    if (o_.record_decisions) decisions_.reserve(n_ - o_.warmup_bars);
    session_first_ = loop_.next_bar;
    session_start_ = Clock::now();
    CheckpointSchedule checkpoints(o_, session_start_);
    // countdown to the next progress report: when (next_bar - warmup) is a multiple of progress_every_bars
    const uint64_t progress_every = o_.progress_every_bars;
    uint64_t progress_in =
        progress_every > 0 ? progress_every - (loop_.next_bar - o_.warmup_bars) % progress_every : 0;

    if (cancel_requested() && loop_.next_bar < n_) return cancelled();
    for (uint64_t idx = loop_.next_bar; idx < n_; ++idx) {
      step(idx);
      loop_.next_bar = idx + 1;
      if (loop_.next_bar == n_) break;
      // between bars: the state is exactly "bars < next_bar processed"
      if (progress_every > 0 && --progress_in == 0) {
        progress_in = progress_every;
        if (hooks_.on_progress) hooks_.on_progress(snapshot(idx));
      }
      const bool poll = ((loop_.next_bar - session_first_) & kPollMask) == 0;
      if (poll && cancel_requested()) return cancelled();
      if (checkpoints.due(poll)) {
        if (hooks_.on_checkpoint) hooks_.on_checkpoint(make_checkpoint(), snapshot(idx));
        checkpoints.written();
      }
    }
    return finish();
  }

 private:
  // The per-bar rules (docs/reference.md §8).
  void step(uint64_t idx) {
    const int64_t ts = bars_.ts_ns[idx];
    const double close = bars_.close[idx];
    // 1. the signal decided on the previous bar fills at this bar's open
    if (loop_.pending) {
      if (pm_.execute(*loop_.pending, bars_.open[idx], ts, loop_.pending_confidence))
        loop_.last_signal_ts_ns = ts;
      loop_.pending.reset();
    }
    // 2. decide, mark to market, record equity (bars without features: none of it)
    if (has_features_ != nullptr && has_features_[idx] == 0) return;
    const PositionSide side = pm_.side();
    const decision::Decision d = decide_.decide(outputs_ + idx * k_, k_, side, ts, loop_.last_signal_ts_ns);
    if (o_.record_decisions) {
      decisions_.push_back(DecisionRecord{idx, ts, side, d.signal, d.raw_signal, d.confidence, d.probs,
                                          d.predicted_return, d.error});
    }
    if (d.signal != Signal::kHold) {
      loop_.pending = d.signal;
      loop_.pending_confidence = d.confidence;
    }
    pm_.update(close, ts);
    // corrected mode records the last bar after the force close (finish)
    if (ktrdr_ || idx + 1 < n_) tracker_.update(ts, close, pm_.portfolio_value(close), pm_.side());
  }

  // The signal from the last bar is dropped; the open position is closed at the last close; metrics.
  EngineOutcome finish() {
    loop_.pending.reset();
    const int64_t last_ts = bars_.ts_ns[n_ - 1];
    const double last_close = bars_.close[n_ - 1];
    pm_.force_close(last_close, last_ts);
    if (!ktrdr_) tracker_.update(last_ts, last_close, pm_.portfolio_value(last_close), pm_.side());

    EngineOutcome out;
    out.status = EngineOutcome::Status::kCompleted;
    BacktestResult& r = out.result;
    metrics::MetricsInput mi;
    mi.tracker = &tracker_.state();
    mi.trades = &pm_.trades();
    mi.initial_capital = o_.costs.initial_capital;
    mi.start_ns = o_.start_ns;
    mi.end_ns = o_.end_ns;
    mi.mode = o_.mode;
    r.metrics = metrics::calculate_metrics(mi);
    r.extended =
        metrics::calculate_extended_metrics(tracker_.state(), pm_.trades(), o_.costs.initial_capital);
    r.final_capital = pm_.cash();
    r.bars = n_;
    r.loop_bars = n_ - o_.warmup_bars;
    out.last_progress = snapshot(n_ - 1);
    if (hooks_.on_progress) hooks_.on_progress(out.last_progress);
    r.trades = pm_.trades();
    r.equity_curve = tracker_.release().equity_curve;
    r.decisions = std::move(decisions_);
    return out;
  }

  bool cancel_requested() const {
    return hooks_.cancel != nullptr && hooks_.cancel->load(std::memory_order_relaxed);
  }

  EngineOutcome cancelled() {
    EngineOutcome out;
    out.status = EngineOutcome::Status::kCancelled;
    out.checkpoint = make_checkpoint();
    out.last_progress = snapshot(loop_.next_bar > 0 ? loop_.next_bar - 1 : 0);
    if (hooks_.on_checkpoint) hooks_.on_checkpoint(out.checkpoint, out.last_progress);
    return out;
  }

  // Progress after bar `idx` (the state holds bars up to idx).
  ProgressSnapshot snapshot(uint64_t idx) const {
    const uint64_t warmup = o_.warmup_bars;
    ProgressSnapshot s;
    const uint64_t processed = idx + 1 >= warmup ? idx + 1 - warmup : 0;
    s.bars_total = n_ - warmup;
    s.bars_done = processed;
    s.bar_index = idx;
    s.current_ts_ns = bars_.ts_ns[idx];
    s.percentage =
        s.bars_total > 0 ? static_cast<double>(s.bars_done) / static_cast<double>(s.bars_total) * 100.0 : 0.0;
    s.equity = pm_.portfolio_value(bars_.close[idx]);
    s.pnl = s.equity - o_.costs.initial_capital;
    s.trades = pm_.trades().size();
    uint64_t wins = 0;
    for (const auto& t : pm_.trades()) wins += t.net_pnl > 0.0 ? 1 : 0;
    s.win_rate = s.trades > 0 ? static_cast<double>(wins) / static_cast<double>(s.trades) : 0.0;
    const double elapsed = seconds_since(session_start_);
    const uint64_t session_bars = idx + 1 > session_first_ ? idx + 1 - session_first_ : 0;
    s.bars_per_second = elapsed > 0.0 ? static_cast<double>(session_bars) / elapsed : 0.0;
    s.eta_seconds =
        s.bars_per_second > 0.0 ? static_cast<double>(s.bars_total - s.bars_done) / s.bars_per_second : 0.0;
    return s;
  }

  std::string make_checkpoint() {
    return detail::encode_checkpoint(fingerprint(),
                                     detail::StateView{&loop_, &pm_.state(), &tracker_.state(), &decisions_});
  }

  // Hashing every input costs ~5 % of a run: only when a checkpoint is read or written.
  const detail::Fingerprint& fingerprint() {
    if (!fingerprint_) fingerprint_ = detail::make_fingerprint(in_, o_);
    return *fingerprint_;
  }

  const EngineInputs& in_;
  const EngineOptions& o_;
  const EngineHooks& hooks_;
  const BarSeries& bars_;
  const uint64_t n_;
  const bool ktrdr_;
  position::PositionManager pm_;
  metrics::PerformanceTracker tracker_;
  detail::LoopState loop_;
  std::vector<DecisionRecord> decisions_;
  const decision::DecisionFunction decide_;
  const float* outputs_;
  const size_t k_;
  const uint8_t* has_features_;
  std::optional<detail::Fingerprint> fingerprint_;
  uint64_t session_first_ = 0;  // first bar of this session (after a resume: the resumed bar)
  Clock::time_point session_start_;
};

}  // namespace

BacktestEngine::BacktestEngine(EngineOptions options) : options_(std::move(options)) {
  options_.validate();
}

EngineOutcome BacktestEngine::run(const EngineInputs& in, const EngineHooks& hooks,
                                  const std::string* resume_blob) const {
  check_inputs(in, options_);
  EngineRun run(in, options_, hooks);
  if (resume_blob != nullptr) run.resume(*resume_blob);
  return run.run();
}

}  // namespace ktrdr::engine
