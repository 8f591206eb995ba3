// Indicator throughput: >= 1M synthetic bars (fixed seed), bars/second for each of the 31 types with default
// parameters, then for the ten types the strategies use, computed together.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "ktrdr/data/bar_series.h"
#include "ktrdr/indicators/indicator.h"

namespace {

ktrdr::BarSeries synthetic_bars(size_t n) {
  std::mt19937_64 rng(20200106);
  std::normal_distribution<double> step(0.0, 0.0008);
  std::uniform_real_distribution<double> wick(0.0, 0.0006);
  std::uniform_int_distribution<int> vol(0, 10000);
  ktrdr::BarSeries b;
  b.reserve(n);
  double close = 1.1;
  for (size_t i = 0; i < n; ++i) {
    const double open = close;
    close = std::max(0.01, close + step(rng));
    const double high = std::max(open, close) + wick(rng);
    const double low = std::min(open, close) - wick(rng);
    b.push_back(static_cast<int64_t>(i) * 3'600'000'000'000LL, open, high, low, close, vol(rng));
  }
  return b;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? static_cast<size_t>(std::strtoull(argv[1], nullptr, 10)) : 1'000'000;
  const ktrdr::BarSeries bars = synthetic_bars(n);
  std::printf("bars: %zu (synthetic, seed 20200106)\n", n);
  std::printf("%-22s %12s %14s\n", "indicator", "seconds", "bars/s");
  double checksum = 0;
  for (const auto& type : ktrdr::indicators::known_types()) {
    const ktrdr::indicators::IndicatorSpec spec{type, type, {}};
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = ktrdr::indicators::compute_indicator(spec, bars);
    const double s = seconds_since(t0);
    const double last = r.outputs[0].values.back();
    if (!std::isnan(last)) checksum += last;
    std::printf("%-22s %12.4f %14.0f\n", type.c_str(), s, static_cast<double>(n) / s);
  }
  const char* common[] = {"rsi",
                          "adx",
                          "roc",
                          "macd",
                          "ema",
                          "stochastic",
                          "bollingerbandwidth",
                          "atr",
                          "williamsr",
                          "squeezeintensity"};
  const auto t0 = std::chrono::steady_clock::now();
  for (const char* type : common) {
    const auto r = ktrdr::indicators::compute_indicator({type, type, {}}, bars);
    const double last = r.outputs[0].values.back();
    if (!std::isnan(last)) checksum += last;
  }
  const double s = seconds_since(t0);
  std::printf("%-22s %12.4f %14.0f\n", "common ten together", s, static_cast<double>(n) / s);
  std::printf("checksum %.6f\n", checksum);
  return 0;
}
