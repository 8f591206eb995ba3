// The decision function (docs/reference.md §6): model outputs of one bar + current position -> trading
// signal. Stateless and deterministic; the network runs elsewhere (batched), this only reads its outputs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "ktrdr/config/strategy_config.h"
#include "ktrdr/decision/signal.h"

namespace ktrdr::decision {

enum class DecisionError : uint8_t {
  kNone = 0,
  kNanConfidence =
      1,           // NaN/inf confidence (e.g. NaN features): reference reasoning {"error": "nan_confidence"}
  kInference = 2,  // the reference's `_predict` raised (no outputs, zero regression threshold, ...)
};

struct Decision {
  Signal signal = Signal::kHold;  // after the filters
  Signal raw_signal =
      Signal::kHold;        // the model's argmax / threshold signal (meaningless when error != kNone)
  double confidence = 0.0;  // float32 value widened (classification); 0 on error
  // BUY/HOLD/SELL probabilities (classification: float32 softmax widened; regression: the reference's
  // pseudo-probabilities max(r,0)/T, 0, max(-r,0)/T). Zeros on error.
  std::array<double, 3> probs{0.0, 0.0, 0.0};
  std::optional<double> predicted_return;  // regression only
  DecisionError error = DecisionError::kNone;
};

class DecisionFunction {
 public:
  explicit DecisionFunction(const config::DecisionConfig& config);

  // outputs: n_outputs float32 values of this bar (logits or probabilities; regression reads outputs[0]).
  // ts_ns: this bar's timestamp; last_signal_ts_ns: the bar of the last executed trade (docs/reference.md
  // §8). Throws ktrdr::Error only where the reference aborts the backtest: classification outputs that sum to
  // 1 but have a maximum above 1 (confidence outside [0,1]).
  Decision decide(const float* outputs, size_t n_outputs, PositionSide position, int64_t ts_ns,
                  std::optional<int64_t> last_signal_ts_ns) const;

  const config::DecisionConfig& config() const { return config_; }

 private:
  Signal apply_filters(Signal raw, double confidence, PositionSide position, int64_t ts_ns,
                       std::optional<int64_t> last_signal_ts_ns) const;

  config::DecisionConfig config_;
  double regression_threshold_;  // round_trip_cost * min_edge_multiplier
};

}  // namespace ktrdr::decision
