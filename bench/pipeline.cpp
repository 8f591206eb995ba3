// End-to-end throughput of one backtest: load -> features -> inference -> loop -> metrics, in bars/second,
// with the per-phase split, and the same inference done one forward per bar (the reference's way).
//
//   bench_pipeline [MODEL_DIR] [BARS]      (default: tests/golden/v1_bench12/model, 1,000,000 bars)
//
// The data is a synthetic hourly random walk written to a temporary directory with the symbol and
// timeframe the model expects, so any reference model directory can be benchmarked.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <fmt/format.h>

#include "ktrdr/common/time.h"
#include "ktrdr/config/model_bundle.h"
#include "ktrdr/features/feature_frame.h"
#include "ktrdr/model/model.h"
#include "ktrdr/runner/backtest_runner.h"
#include "ktrdr/runner/run_data.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

void write_random_walk(const std::string& path, size_t n) {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> step(0.0, 0.0015);
  std::ofstream out(path);
  out << "timestamp,open,high,low,close,volume\n";
  double price = 1.1;
  int64_t t = *ktrdr::try_parse_timestamp_ns("1990-01-01");
  std::string buf;
  for (size_t i = 0; i < n; ++i, t += ktrdr::kNanosPerHour) {
    const double o = price;
    const double c = o * std::exp(step(rng));
    const double h = std::max(o, c) * (1 + std::fabs(step(rng)) / 3);
    const double l = std::min(o, c) * (1 - std::fabs(step(rng)) / 3);
    price = c;
    buf += fmt::format("{},{:.6f},{:.6f},{:.6f},{:.6f},{}\n", ktrdr::format_iso_utc(t), o, h, l, c, 1000 + (i % 997));
    if (buf.size() > (1 << 20)) {
      out << buf;
      buf.clear();
    }
  }
  out << buf;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string model_dir = argc > 1 ? argv[1] : std::string(KTRDR_BENCH_SOURCE_DIR) + "/tests/golden/v1_bench12/model";
  const size_t n = argc > 2 ? std::stoul(argv[2]) : 1'000'000;
  ktrdr::model::Model::set_num_threads(1);

  const auto bundle = ktrdr::config::load_model_bundle(model_dir);
  const std::string symbol = bundle.training_symbols.empty() ? "BENCH" : bundle.training_symbols.front();
  const std::string tf = bundle.training_timeframes.empty() ? "1h" : bundle.training_timeframes.front();
  const fs::path dir = fs::temp_directory_path() / fmt::format("ktrdr-bench-{}", ::getpid());
  fs::create_directories(dir);
  write_random_walk((dir / (symbol + "_" + tf + ".csv")).string(), n);

  ktrdr::runner::BacktestRequest req;
  req.model_dir = model_dir;
  req.data_dir = dir.string();
  req.mode = "ktrdr";
  req.progress_every_bars = 0;
  req.checkpoint_every_bars = 0;
  req.checkpoint_every_seconds = 0;
  // warm-up run (page cache, torch first-call costs), then the measured one
  (void)ktrdr::runner::run_backtest(req);
  const auto t0 = Clock::now();
  const auto out = ktrdr::runner::run_backtest(req);
  const double total = std::chrono::duration<double>(Clock::now() - t0).count();
  fmt::print("model {} ({} inputs), {} bars of {} {}\n", bundle.model_name, bundle.input_size, n, symbol, tf);
  fmt::print("end-to-end (load+features+inference+loop+metrics+json): {:.3f} s = {:.2f} M bars/s\n", total,
             n / total / 1e6);
  // per-phase figures straight from the result document
  const std::string& js = out.result_json;
  const auto pos = js.find("\"phase_seconds\"");
  if (pos != std::string::npos) fmt::print("phase_seconds: {}\n", js.substr(pos, js.find('}', pos) - pos + 1));

  // inference alone: batched vs one forward per bar
  const auto data = ktrdr::runner::load_run_data(bundle, dir.string(), "", "", "", "");
  const auto frame = ktrdr::features::compute_features(bundle.strategy, data.bars, data.base_timeframe,
                                                       bundle.resolved_features, bundle.normalization_params, {});
  const auto matrix = ktrdr::features::to_matrix(frame);
  ktrdr::model::ModelSpec spec{bundle.strategy.model, bundle.input_size, bundle.num_outputs, bundle.sequence_length};
  const auto net = ktrdr::model::Model::load(bundle.weights_path, spec);
  auto t1 = Clock::now();
  (void)net.predict(matrix.values.data(), matrix.rows);
  const double batched = std::chrono::duration<double>(Clock::now() - t1).count();
  const size_t per_row_rows = std::min<size_t>(matrix.rows, 200'000);
  t1 = Clock::now();
  (void)net.predict_per_row(matrix.values.data(), per_row_rows);
  const double per_row = std::chrono::duration<double>(Clock::now() - t1).count();
  fmt::print("inference batched (chunks of 4096): {:.2f} M rows/s\n", matrix.rows / batched / 1e6);
  fmt::print("inference one forward per bar:      {:.3f} M rows/s ({:.1f} us/row, {} rows)\n",
             per_row_rows / per_row / 1e6, per_row / per_row_rows * 1e6, per_row_rows);
  fmt::print("end-to-end with per-bar forwards (estimated): {:.3f} M bars/s\n",
             n / (total - batched + per_row / per_row_rows * n) / 1e6);
  fs::remove_all(dir);
  return 0;
}
