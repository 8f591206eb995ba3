#include <cmath>

#include "engine/checkpoint_codec.h"
#include "engine/hash64.h"
#include "ktrdr/common/error.h"
#include "ktrdr/common/time.h"

namespace ktrdr::engine::detail {
namespace {

template <typename T>
uint64_t hash_column(const T* data, size_t n, uint64_t seed) {
  return hash64(data, n * sizeof(T), seed);
}

uint64_t hash_decisions(const config::DecisionConfig& d) {
  const double values[] = {static_cast<double>(d.output_format == config::OutputFormat::kRegression),
                           d.confidence_threshold,
                           d.min_signal_separation_hours,
                           static_cast<double>(d.position_awareness),
                           static_cast<double>(d.allow_short_from_flat),
                           d.round_trip_cost,
                           d.min_edge_multiplier};
  return hash64(values, sizeof(values), 0x646563697369ULL);
}

std::string opt_ts(const std::optional<int64_t>& ts) {
  return ts ? format_iso_utc(*ts) : std::string("unset");
}

}  // namespace

Fingerprint make_fingerprint(const EngineInputs& in, const EngineOptions& o) {
  const BarSeries& b = *in.bars;
  Fingerprint f;
  f.n_bars = b.size();
  f.first_ts_ns = b.empty() ? 0 : b.ts_ns.front();
  f.last_ts_ns = b.empty() ? 0 : b.ts_ns.back();
  f.n_outputs = in.n_outputs;
  uint64_t h = 0x6461746131ULL;
  h = hash_column(b.ts_ns.data(), b.size(), h);
  h = hash_column(b.open.data(), b.size(), h);
  h = hash_column(b.close.data(), b.size(), h);
  h = hash_column(in.outputs.data(), in.outputs.size(), h);
  h = hash_column(in.has_features.data(), in.has_features.size(), h);
  f.data_hash = h;
  f.costs = o.costs;
  f.warmup_bars = o.warmup_bars;
  f.mode = static_cast<uint8_t>(o.mode);
  f.symbol = o.symbol;
  f.start_ns = o.start_ns;
  f.end_ns = o.end_ns;
  f.decisions_hash = hash_decisions(in.decisions);
  f.record_decisions = o.record_decisions;
  return f;
}

void require_same_run(const Fingerprint& s, const Fingerprint& c) {
  constexpr const char* kFix = "resume with the job's original data, model and options, or start it afresh";
  KTRDR_REQUIRE(
      s.n_bars == c.n_bars && s.first_ts_ns == c.first_ts_ns && s.last_ts_ns == c.last_ts_ns,
      "checkpoint belongs to another run: it was written for {} bars {} .. {}, these inputs have {} bars "
      "{} .. {}; {}",
      s.n_bars, format_iso_utc(s.first_ts_ns), format_iso_utc(s.last_ts_ns), c.n_bars,
      format_iso_utc(c.first_ts_ns), format_iso_utc(c.last_ts_ns), kFix);
  KTRDR_REQUIRE(s.n_outputs == c.n_outputs,
                "checkpoint belongs to another run: model outputs {} per bar, now {}; {}", s.n_outputs,
                c.n_outputs, kFix);
  KTRDR_REQUIRE(
      s.data_hash == c.data_hash,
      "checkpoint belongs to another run: the bar prices or model outputs differ from the checkpointed run "
      "(same bar count and dates); {}",
      kFix);
  KTRDR_REQUIRE(s.costs == c.costs,
                "checkpoint belongs to another run: capital/commission/slippage/fraction {}/{}/{}/{} vs now "
                "{}/{}/{}/{}; {}",
                s.costs.initial_capital, s.costs.commission, s.costs.slippage, s.costs.position_fraction,
                c.costs.initial_capital, c.costs.commission, c.costs.slippage, c.costs.position_fraction,
                kFix);
  KTRDR_REQUIRE(s.warmup_bars == c.warmup_bars,
                "checkpoint belongs to another run: warm-up {} bars, now {}; {}", s.warmup_bars,
                c.warmup_bars, kFix);
  KTRDR_REQUIRE(s.mode == c.mode, "checkpoint belongs to another run: accounting mode {} vs now {}; {}",
                to_string(static_cast<Mode>(s.mode)), to_string(static_cast<Mode>(c.mode)), kFix);
  KTRDR_REQUIRE(s.symbol == c.symbol, "checkpoint belongs to another run: symbol '{}' vs now '{}'; {}",
                s.symbol, c.symbol, kFix);
  KTRDR_REQUIRE(s.start_ns == c.start_ns && s.end_ns == c.end_ns,
                "checkpoint belongs to another run: dates {} .. {} vs now {} .. {}; {}", opt_ts(s.start_ns),
                opt_ts(s.end_ns), opt_ts(c.start_ns), opt_ts(c.end_ns), kFix);
  KTRDR_REQUIRE(s.decisions_hash == c.decisions_hash,
                "checkpoint belongs to another run: the decision settings (thresholds, filters) differ; {}",
                kFix);
  KTRDR_REQUIRE(s.record_decisions == c.record_decisions,
                "checkpoint belongs to another run: record_decisions was {}, now {}; {}", s.record_decisions,
                c.record_decisions, kFix);
}

}  // namespace ktrdr::engine::detail
