#include "ktrdr/decision/decision_function.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "ktrdr/common/error.h"
#include "ktrdr/common/time.h"

namespace ktrdr::decision {
namespace {

Signal signal_from_class(size_t idx) {
  switch (idx) {
    case 0:
      return Signal::kBuy;
    case 2:
      return Signal::kSell;
    default:
      return Signal::kHold;  // 1 = HOLD; unknown indices -> HOLD (docs/reference.md §6)
  }
}

// Softmax (unless the outputs already sum to 1) and argmax. N > 0: the width is N (loops unrolled).
template <size_t N>
void classify(const float* outputs, size_t n_outputs, Decision& d) {
  const size_t n = N > 0 ? N : n_outputs;
  // float32 throughout, exactly as numpy on the float32 logits (docs/reference.md §6).
  float sum = 0.0f;
  for (size_t i = 0; i < n; ++i) sum += outputs[i];
  // no allocation per bar for the usual widths
  std::array<float, (N > 0 ? N : 16)> small;  // no zero fill: the outputs are copied in below
  std::vector<float> large;
  float* p = small.data();
  if (n > small.size()) {
    large.resize(n);
    p = large.data();
  }
  std::copy(outputs, outputs + n, p);
  if (!(std::fabs(static_cast<double>(sum) - 1.0) < 1e-6)) {
    float m = p[0];
    for (size_t i = 1; i < n; ++i) {
      if (p[i] > m || std::isnan(p[i])) m = std::isnan(m) ? m : p[i];
    }
    float s = 0.0f;
    for (size_t i = 0; i < n; ++i) {
      p[i] = std::exp(p[i] - m);  // float overload: expf
      s = i == 0 ? p[i] : s + p[i];
    }
    for (size_t i = 0; i < n; ++i) p[i] = p[i] / s;
  }
  // argmax, first maximum; numpy returns the first NaN if there is one.
  size_t idx = 0;
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(p[i])) {
      idx = i;
      break;
    }
    if (p[i] > p[idx]) idx = i;
  }
  d.raw_signal = signal_from_class(idx);
  d.confidence = static_cast<double>(p[idx]);
  for (size_t i = 0; i < std::min<size_t>(n, 3); ++i) d.probs[i] = static_cast<double>(p[i]);
}

Decision error_decision(DecisionError error) {
  Decision d;
  d.error = error;
  return d;
}

}  // namespace

DecisionFunction::DecisionFunction(const config::DecisionConfig& config)
    : config_(config), regression_threshold_(config.round_trip_cost * config.min_edge_multiplier) {}

Decision DecisionFunction::decide(const float* outputs, size_t n_outputs, PositionSide position,
                                  int64_t ts_ns, std::optional<int64_t> last_signal_ts_ns) const {
  if (outputs == nullptr || n_outputs == 0) return error_decision(DecisionError::kInference);
  Decision d;
  if (config_.output_format == config::OutputFormat::kRegression) {
    const double r = static_cast<double>(outputs[0]);
    const double t = regression_threshold_;
    if (t == 0.0) return error_decision(DecisionError::kInference);  // ZeroDivisionError in the reference
    d.raw_signal = r > t ? Signal::kBuy : (r < -t ? Signal::kSell : Signal::kHold);
    d.confidence = std::min(std::abs(r) / (3.0 * t), 1.0);  // min(nan, 1) stays nan, as Python's min
    d.probs = {std::max(r, 0.0) / t, 0.0, std::max(-r, 0.0) / t};
    d.predicted_return = r;
  } else {
    // the usual 3-class width with a compile-time count (same operations in the same order)
    if (n_outputs == 3) {
      classify<3>(outputs, 3, d);
    } else {
      classify<0>(outputs, n_outputs, d);
    }
  }
  if (!std::isfinite(d.confidence)) return error_decision(DecisionError::kNanConfidence);
  KTRDR_REQUIRE(d.confidence >= 0.0 && d.confidence <= 1.0,
                "decision: confidence {} outside [0, 1] at bar {} (model outputs sum to 1 but are not "
                "probabilities); the reference aborts the backtest here",
                d.confidence, format_iso_utc(ts_ns));
  d.signal = apply_filters(d.raw_signal, d.confidence, position, ts_ns, last_signal_ts_ns);
  return d;
}

Signal DecisionFunction::apply_filters(Signal raw, double confidence, PositionSide position, int64_t ts_ns,
                                       std::optional<int64_t> last_signal_ts_ns) const {
  const bool classification = config_.output_format == config::OutputFormat::kClassification;
  if (classification && confidence < config_.confidence_threshold) return Signal::kHold;
  if (last_signal_ts_ns) {
    const double hours = static_cast<double>(ts_ns - *last_signal_ts_ns) / 1e9 / 3600.0;
    if (hours < config_.min_signal_separation_hours) return Signal::kHold;
  }
  if (!config_.position_awareness) return raw;
  if (position == PositionSide::kLong && raw == Signal::kBuy) return Signal::kHold;
  if (position == PositionSide::kShort && raw == Signal::kSell) return Signal::kHold;
  if (classification && !config_.allow_short_from_flat && position == PositionSide::kFlat &&
      raw == Signal::kSell) {
    return Signal::kHold;
  }
  return raw;
}

}  // namespace ktrdr::decision
