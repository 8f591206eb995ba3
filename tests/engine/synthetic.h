// Test helper: small synthetic bar series with a scripted model output matrix.
#pragma once

#include <cstdint>
#include <vector>

#include "ktrdr/common/time.h"
#include "ktrdr/engine/backtest_engine.h"

namespace ktrdr::test {

constexpr int64_t kHourNs = kNanosPerHour;

struct Scripted {
  BarSeries bars;
  std::vector<float> outputs;  // n x 3 probabilities
  std::vector<uint8_t> has_features;
  config::DecisionConfig decisions;

  // n hourly bars from 2024-01-01T00:00Z (a Monday): open_i = 1 + 0.001 i + 0.0003 (i mod 7),
  // close_i = open_i + 0.0004 ((i mod 5) - 2). Every bar HOLD (0.1, 0.8, 0.1), features present.
  explicit Scripted(size_t n) {
    const int64_t t0 = parse_timestamp_ns("2024-01-01T00:00:00Z", "t0");
    for (size_t i = 0; i < n; ++i) {
      const auto d = static_cast<double>(i);
      const double open = 1.0 + 0.001 * d + 0.0003 * static_cast<double>(i % 7);
      const double close = open + 0.0004 * (static_cast<double>(i % 5) - 2.0);
      bars.push_back(t0 + static_cast<int64_t>(i) * kHourNs, open, std::max(open, close) + 0.001,
                     std::min(open, close) - 0.001, close, 100.0);
    }
    outputs.resize(n * 3);
    for (size_t i = 0; i < n; ++i) hold(i);
    has_features.assign(n, 1);
    decisions.confidence_threshold = 0.5;
    decisions.min_signal_separation_hours = 0.0;
  }
  void set(size_t bar, float b, float h, float s) {
    outputs[bar * 3] = b;
    outputs[bar * 3 + 1] = h;
    outputs[bar * 3 + 2] = s;
  }
  void buy(size_t bar) { set(bar, 0.8f, 0.1f, 0.1f); }
  void sell(size_t bar) { set(bar, 0.1f, 0.1f, 0.8f); }
  void hold(size_t bar) { set(bar, 0.1f, 0.8f, 0.1f); }

  engine::EngineInputs inputs() const {
    engine::EngineInputs in;
    in.bars = &bars;
    in.outputs = outputs;
    in.n_outputs = 3;
    in.has_features = has_features;
    in.decisions = decisions;
    return in;
  }
};

inline engine::EngineOptions ktrdr_options() {
  engine::EngineOptions o;
  o.mode = Mode::kKtrdr;
  o.symbol = "SYN";
  o.record_decisions = true;
  return o;
}

}  // namespace ktrdr::test
