// Engine loop throughput: bars/s on a synthetic series with a synthetic output matrix (no torch), plus
// checkpoint size and encode/decode cost near the end of the run, and the whole run with the default
// checkpoint policy vs without checkpoints.
//   bench_engine [bars=2000000]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../core/src/engine/checkpoint_codec.h"
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
  {  // the first run touches fresh memory (result vectors): page faults, reported apart
    engine::EngineOptions o;
    o.checkpoint_every_bars = 0;
    o.checkpoint_every_seconds = 0;
    const auto t0 = std::chrono::steady_clock::now();
    const auto out = engine::BacktestEngine(o).run(in);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("first run (cold memory) [corrected]: %.3f s -> %.2f M bars/s\n", s,
                static_cast<double>(n) / s / 1e6);
  }
  for (const ktrdr::Mode mode : {ktrdr::Mode::kKtrdr, ktrdr::Mode::kCorrected}) {
    engine::EngineOptions o;
    o.mode = mode;
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
    std::printf("engine loop [%s]: %zu bars, %zu trades, %.3f s -> %.2f M bars/s (metrics included)\n",
                to_string(mode).data(), n, out.result.trades.size(), best,
                static_cast<double>(n) / best / 1e6);
  }
  // One checkpoint near the end (~n equity points): its size, encode and decode (+ tracker rebuild) times.
  engine::EngineOptions o;
  o.checkpoint_every_bars = n - 52;
  o.checkpoint_every_seconds = 0;
  std::string blob;
  engine::EngineHooks h;
  h.on_checkpoint = [&](const std::string& b, const engine::ProgressSnapshot&) { blob = b; };
  engine::BacktestEngine(o).run(in, h);
  const auto fp = engine::detail::make_fingerprint(in, o);
  double decode_s = 1e9;
  double encode_s = 1e9;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    auto d = engine::detail::decode_checkpoint(blob);
    const auto tracker = engine::detail::rebuild_tracker(d.tracker, in, o.warmup_bars, d.loop.next_bar);
    const auto t1 = std::chrono::steady_clock::now();
    const std::string again = engine::detail::encode_checkpoint(
        fp, engine::detail::StateView{&d.loop, &d.positions, &tracker, &d.decisions});
    const auto t2 = std::chrono::steady_clock::now();
    if (again != blob) std::printf("re-encoded blob differs!\n");
    decode_s = std::min(decode_s, std::chrono::duration<double>(t1 - t0).count());
    encode_s = std::min(encode_s, std::chrono::duration<double>(t2 - t1).count());
  }
  const double points = static_cast<double>(n - 52);
  std::printf(
      "checkpoint at bar %zu: %.3f MB (%.2f bytes/bar), encode %.2f ms, decode + rebuild %.2f ms (best of "
      "5)\n",
      n - 52, static_cast<double>(blob.size()) / 1e6, static_cast<double>(blob.size()) / points,
      encode_s * 1e3, decode_s * 1e3);

  // The whole run with the default checkpoint policy vs none; the hook copies each blob, as a worker would.
  engine::EngineOptions def;  // defaults: every 10 000 bars / 30 s
  engine::EngineOptions none;
  none.checkpoint_every_bars = 0;
  none.checkpoint_every_seconds = 0;
  size_t count = 0;
  size_t bytes = 0;
  std::string keep;
  engine::EngineHooks copy;
  copy.on_checkpoint = [&](const std::string& b, const engine::ProgressSnapshot&) {
    keep = b;
    ++count;
    bytes += b.size();
  };
  engine::EngineOptions gap = def;
  gap.checkpoint_min_gap_seconds = 1.0;
  struct Timed {
    double best = 1e9;
    size_t count = 0;
    size_t bytes = 0;
  };
  auto timed_run = [&](const engine::EngineOptions& opts, Timed& t) {
    count = bytes = 0;
    const auto t0 = std::chrono::steady_clock::now();
    engine::BacktestEngine(opts).run(in, copy);
    t.best = std::min(t.best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    t.count = count;
    t.bytes = bytes;
  };
  Timed t_def, t_none, t_gap;
  for (int rep = 0; rep < 3; ++rep) {
    timed_run(def, t_def);
    timed_run(none, t_none);
    timed_run(gap, t_gap);
  }
  for (const auto& [label, t] :
       {std::pair<const char*, const Timed&>{"default policy (10000 bars / 30 s)", t_def},
        {"  + checkpoint_min_gap_seconds = 1", t_gap}}) {
    std::printf("%s: %zu checkpoints, %.1f MB in all, run %.3f s vs %.3f s without checkpoints (+%.0f %%)\n",
                label, t.count, static_cast<double>(t.bytes) / 1e6, t.best, t_none.best,
                (t.best / t_none.best - 1.0) * 100.0);
  }
  return 0;
}
