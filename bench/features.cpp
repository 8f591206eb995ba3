// Feature-pipeline throughput on synthetic hourly bars: indicators, fuzzy memberships, matrix build, total.
//
//   bench_features [BARS] [REPEATS]      (default: 1,000,000 bars, best of 3)
//
// Strategy: the golden v1_bench12 one (RSI, ADX, Stochastic, Williams %R -> 12 fuzzy inputs).
// Each phase reports the best wall time and the best process CPU time (user + system, page faults
// included) of the repeats: on a shared machine the CPU time is the steadier figure.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>

#include <fmt/format.h>

#include "best_of.h"
#include "ktrdr/common/time.h"
#include "ktrdr/config/strategy_config.h"
#include "ktrdr/features/feature_frame.h"

using Clock = std::chrono::steady_clock;
using ktrdr::bench::Best;
using ktrdr::bench::Timer;

namespace {

const char* kStrategy = R"(name: bench_v1
training_data:
  symbols: {mode: single, symbol: SYNTH}
  timeframes: {mode: single, timeframe: 1h}
indicators:
  rsi_14: {type: rsi, period: 14, source: close}
  adx_14: {type: adx, period: 14}
  stoch_14: {type: stochastic, k_period: 14, d_period: 3, smooth_k: 3}
  willr_14: {type: williamsr, period: 14}
fuzzy_sets:
  rsi_momentum: {indicator: rsi_14, oversold: [0, 25, 40], neutral: [30, 50, 70], overbought: [60, 75, 100]}
  adx_trend:
    indicator: adx_14.adx
    weak: {type: triangular, parameters: [0, 15, 25]}
    moderate: {type: trapezoidal, parameters: [20, 25, 40, 50]}
    strong: {type: gaussian, parameters: [60, 15]}
  stoch_k: {indicator: stoch_14.k, low: [0, 10, 30], mid: [20, 50, 80], high: [70, 90, 100]}
  willr: {indicator: willr_14, oversold: [-100, -90, -70], mid: [-80, -50, -20], overbought: [-30, -10, 0]}
nn_inputs:
  - {fuzzy_set: rsi_momentum, timeframes: all}
  - {fuzzy_set: adx_trend, timeframes: all}
  - {fuzzy_set: stoch_k, timeframes: all}
  - {fuzzy_set: willr, timeframes: all}
model: {type: mlp, architecture: {hidden_layers: [32, 16]}}
decisions: {output_format: classification}
training: {labels: {source: zigzag}}
)";

ktrdr::BarSeries synthetic_bars(size_t n) {
  std::mt19937_64 rng(20240607);
  std::normal_distribution<double> step(0.0, 0.0015);
  std::uniform_real_distribution<double> wick(0.0, 0.001);
  std::uniform_real_distribution<double> vol(500, 10000);
  ktrdr::BarSeries bars;
  bars.reserve(n);
  const int64_t t0 = ktrdr::days_from_civil(2000, 1, 3) * ktrdr::kNanosPerDay;
  double price = 1.1;
  for (size_t i = 0; i < n; ++i) {
    const double open = price;
    const double close = open * std::exp(step(rng));
    const double high = std::max(open, close) * (1 + wick(rng));
    const double low = std::min(open, close) * (1 - wick(rng));
    bars.push_back(t0 + static_cast<int64_t>(i) * ktrdr::kNanosPerHour, open, high, low, close,
                   std::round(vol(rng)));
    price = close;
  }
  return bars;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
  const auto strategy = ktrdr::config::parse_strategy_yaml(kStrategy, "bench_v1.yaml");
  std::map<std::string, ktrdr::BarSeries> data;
  data["1h"] = synthetic_bars(n);
  const ktrdr::BarSeries& bars = data["1h"];

  Best ind, fuzzy, matrix_build, total;
  double checksum = 0;
  for (int r = 0; r < repeats; ++r) {
    // indicators alone
    Timer t;
    std::vector<ktrdr::indicators::IndicatorResult> results;
    for (const auto& spec : strategy.indicators)
      results.push_back(ktrdr::indicators::compute_indicator(spec, bars));
    ind.take(t);

    // fuzzy memberships alone, on the indicator columns
    const std::vector<std::pair<size_t, size_t>> input_of{{0, 0}, {1, 0}, {2, 0}, {3, 0}};  // primary outputs
    std::vector<double> out(n);
    t = Timer();
    for (size_t s = 0; s < strategy.fuzzy_sets.size(); ++s) {
      const auto& column = results[input_of[s].first].outputs[input_of[s].second].values;
      for (const auto& m : strategy.fuzzy_sets[s].memberships) {
        m.function.evaluate(column.data(), n, out.data());
        checksum += out[n / 2];
      }
    }
    fuzzy.take(t);

    // end to end: compute_features (indicators + fuzzy + ordering) and the float32 matrix
    t = Timer();
    const auto frame = ktrdr::features::compute_features(strategy, data, "1h", {}, {}, {});
    const Timer t_matrix;
    const auto matrix = ktrdr::features::to_matrix(frame);
    matrix_build.take(t_matrix);
    total.take(t);
    checksum += matrix.row(n - 1)[0];
  }
  auto line = [&](const char* what, const Best& b) {
    fmt::print("{:<28} {:>9.1f} ms {:>12.0f} bars/s   cpu {:>9.1f} ms {:>12.0f} bars/s\n", what, b.wall * 1e3,
               static_cast<double>(n) / b.wall, b.cpu * 1e3, static_cast<double>(n) / b.cpu);
  };
  fmt::print(
      "bench_features: {} hourly bars, 4 indicators, 12 fuzzy features, best of {} (wall, process cpu)\n", n,
      repeats);
  line("indicators (4)", ind);
  line("fuzzy memberships (12)", fuzzy);
  line("matrix build (float32)", matrix_build);
  line("total (features + matrix)", total);
  fmt::print("checksum {:.6f}\n", checksum);
  return 0;
}
