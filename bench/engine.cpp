// Engine loop throughput: bars/s on a synthetic series with a synthetic output matrix (no torch), plus
// checkpoint encode/decode cost at the end of the run.
//   bench_engine [bars=2000000]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "ktrdr/engine/backtest_engine.h"

using namespace ktrdr;

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2'000'000;
  BarSeries bars;
  bars.reserve(n);
  std::vector<float> outputs(n * 3);
  uint64_t x = 88172645463325252ULL;
  double price = 1.1;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const double u = static_cast<double>(x >> 11) / 9007199254740992.0;  // [0,1)
    const double open = price;
    price *= 1.0 + (u - 0.5) * 0.002;
    bars.push_back(static_cast<int64_t>(i) * 3'600'000'000'000LL, open, std::max(open, price) * 1.0005,
                   std::min(open, price) * 0.9995, price, 1000.0);
    // logits: mostly HOLD, a BUY or SELL spike now and then
    const float b = static_cast<float>(std::sin(static_cast<double>(i) * 0.013) * 2.0);
    outputs[i * 3] = b;
    outputs[i * 3 + 1] = 0.5f;
    outputs[i * 3 + 2] = -b;
  }
  engine::EngineInputs in;
  in.bars = &bars;
  in.outputs = outputs;
  in.n_outputs = 3;
  in.decisions.confidence_threshold = 0.6;
  in.decisions.allow_short_from_flat = true;
  for (const char* mode : {"ktrdr", "corrected"}) {
    engine::EngineOptions o;
    o.mode = std::string(mode) == "ktrdr" ? position::AccountingMode::kKtrdr
                                          : position::AccountingMode::kCorrected;
    o.checkpoint_every_bars = 0;
    o.checkpoint_every_seconds = 0;
    const engine::BacktestEngine eng(o);
    double best = 1e9;
    engine::EngineOutcome out;
    for (int rep = 0; rep < 3; ++rep) {
      const auto t0 = std::chrono::steady_clock::now();
      out = eng.run(in);
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::printf("engine loop [%s]: %zu bars, %zu trades, %.3f s -> %.2f M bars/s (metrics included)\n", mode,
                n, out.result.trades.size(), best, static_cast<double>(n) / best / 1e6);
  }
  // checkpoint cost at the last bar: cancel right before the end by checkpointing every n-51 bars
  engine::EngineOptions o;
  o.checkpoint_every_bars = n - 52;
  o.checkpoint_every_seconds = 0;
  std::string blob;
  double encode_s = 0;
  engine::EngineHooks h;
  auto mark = std::chrono::steady_clock::now();
  h.on_checkpoint = [&](const std::string& b, const engine::ProgressSnapshot&) { blob = b; };
  const engine::BacktestEngine eng(o);
  const auto t0 = std::chrono::steady_clock::now();
  eng.run(in, h);
  const double with_ckpt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  o.checkpoint_every_bars = 0;
  const auto t1 = std::chrono::steady_clock::now();
  engine::BacktestEngine(o).run(in);
  encode_s = with_ckpt - std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  mark = std::chrono::steady_clock::now();
  engine::BacktestEngine(o).run(in, {}, &blob);
  const double resume_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - mark).count();
  std::printf(
      "checkpoint near the end: %.1f MB, encode ~%.3f s; resume (decode + last bars + metrics) %.3f s\n",
      static_cast<double>(blob.size()) / 1e6, encode_s, resume_s);
  return 0;
}
