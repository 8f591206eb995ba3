// Test helper: a golden case (tests/support/golden_case.h) turned into engine inputs without torch: the
// expected decisions' probabilities become the model output matrix (they sum to 1, so they are used as is).
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ktrdr/common/time.h"
#include "ktrdr/config/strategy_config.h"
#include "ktrdr/data/ohlcv_loader.h"
#include "ktrdr/engine/backtest_engine.h"
#include "support/golden_case.h"

namespace ktrdr::test {

struct GoldenEngineCase {
  GoldenCase info;
  nlohmann::json expected;
  BarSeries bars;
  std::vector<float> outputs;  // bars x 3
  config::DecisionConfig decisions;
  engine::EngineOptions options;

  engine::EngineInputs inputs() const {
    engine::EngineInputs in;
    in.bars = &bars;
    in.outputs = outputs;
    in.n_outputs = 3;
    in.decisions = decisions;
    return in;
  }
};

inline GoldenEngineCase load_golden_engine_case(const std::string& name) {
  GoldenEngineCase g;
  g.info = load_golden_case(name);
  g.expected = g.info.expected();
  g.bars = load_ohlcv_csv(g.info.data_file()).between(g.info.start_ns, g.info.end_ns);

  const auto model_cfg = read_json(g.info.model_dir() + "/config.json");
  const auto& d = model_cfg.at("decisions");
  g.decisions.output_format = d.value("output_format", std::string("classification")) == "regression"
                                  ? config::OutputFormat::kRegression
                                  : config::OutputFormat::kClassification;
  g.decisions.confidence_threshold = d.value("confidence_threshold", 0.5);
  g.decisions.position_awareness = d.value("position_awareness", true);
  g.decisions.allow_short_from_flat = d.value("allow_short_from_flat", false);
  if (d.contains("filters"))
    g.decisions.min_signal_separation_hours = d["filters"].value("min_signal_separation", 4.0);
  if (d.contains("cost_model")) {
    g.decisions.round_trip_cost = d["cost_model"].value("round_trip_cost", 0.003);
    g.decisions.min_edge_multiplier = d["cost_model"].value("min_edge_multiplier", 1.5);
  }

  const size_t n = g.bars.size();
  g.outputs.assign(n * 3, 1.0f / 3.0f);
  const auto& decisions = g.expected.at("decisions");
  const size_t start_idx = g.expected["bars"]["start_idx"].get<size_t>();
  if (decisions.size() + start_idx != n)
    throw std::runtime_error(name + ": decisions do not cover the loop bars");
  for (size_t i = 0; i < decisions.size(); ++i) {
    const auto& e = decisions[i];
    const size_t bar = start_idx + i;
    if (format_iso_utc(g.bars.ts_ns[bar]) != e["timestamp"].get<std::string>()) {
      throw std::runtime_error(name + ": decision timestamps do not match the bars");
    }
    float* row = &g.outputs[bar * 3];
    if (!e["error"].is_null()) {
      row[0] = row[1] = row[2] = std::numeric_limits<float>::quiet_NaN();
    } else {
      row[0] = static_cast<float>(e["probs"]["BUY"].get<double>());
      row[1] = static_cast<float>(e["probs"]["HOLD"].get<double>());
      row[2] = static_cast<float>(e["probs"]["SELL"].get<double>());
    }
  }
  g.options.costs = g.info.costs;
  g.options.mode = Mode::kKtrdr;
  g.options.symbol = g.info.symbol;
  g.options.start_ns = g.info.start_ns;
  g.options.end_ns = g.info.end_ns;
  g.options.record_decisions = true;
  return g;
}

}  // namespace ktrdr::test
