// End-to-end throughput of one backtest: load -> features -> inference -> loop -> metrics, in bars/second,
// with the per-phase split, and the same inference done one forward per bar (the reference's way).
//
//   bench_pipeline [MODEL_DIR] [BARS] [REPEATS] [THREADS]   (default: tests/golden/v1_bench12/model,
//                                                  1,000,000 bars, best of 3, every hardware thread)
//
// Everything is measured on one thread (single-core figures) and on THREADS threads (a pool owned by the
// run), wall and process CPU time. Prints the end-to-end run (ktrdr::runner::run_backtest, result JSON
// included) with the bar cache warm (the entry exists), cold (removed before each run: parse + store), cold
// with the data file also dropped from the page cache (read from disk), and off; then each phase alone: load
// (parse / cold cache / warm cache), features (unfused, and straight to the float32 matrix as the runner
// does), batched inference, bar loop, result JSON. The libtorch plugin is loaded once, first, and its load
// time printed: a process that runs a model pays it once.
//
// The data is a synthetic hourly random walk written to a temporary directory with the symbol and
// timeframe the model expects, so any reference model directory can be benchmarked.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>

#include <fmt/format.h>

#include "best_of.h"
#include "ktrdr/common/thread_pool.h"
#include "ktrdr/common/time.h"
#include "ktrdr/config/model_bundle.h"
#include "ktrdr/data/bar_cache.h"
#include "ktrdr/engine/backtest_engine.h"
#include "ktrdr/engine/result_json.h"
#include "ktrdr/features/feature_frame.h"
#include "ktrdr/features/feature_matrix.h"
#include "ktrdr/model/model.h"
#include "ktrdr/runner/backtest_runner.h"
#include "ktrdr/runner/run_data.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using ktrdr::bench::Best;
using ktrdr::bench::Timer;

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
    buf += fmt::format("{},{:.6f},{:.6f},{:.6f},{:.6f},{}\n", ktrdr::format_iso_utc(t), o, h, l, c,
                       1000 + (i % 997));
    if (buf.size() > (1 << 20)) {
      out << buf;
      buf.clear();
    }
  }
  out << buf;
}

// The number after `key` in a result document (0 when absent).
double number_after(const std::string& js, const std::string& key) {
  const auto pos = js.find(key);
  if (pos == std::string::npos) return 0.0;
  const auto colon = js.find(':', pos);
  return std::strtod(js.c_str() + colon + 1, nullptr);
}

// The phase_seconds object of a result document on one line.
std::string phase_text(const std::string& js) {
  const auto pos = js.find("\"phase_seconds\"");
  if (pos == std::string::npos) return "";
  std::string text;
  for (char ch : js.substr(pos, js.find('}', pos) - pos + 1))
    if (ch != '\n' && !(ch == ' ' && !text.empty() && text.back() == ' ')) text += ch;
  return text;
}

// Drops the file's pages from the page cache (only this file's: the machine's cache is left alone), so that
// the next read comes from the disk.
void evict_from_page_cache(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  ::fdatasync(fd);
  (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
}

// A hash of a result document without its timings (execution_time_seconds, phase_seconds), which differ from
// run to run: equal for equal results.
std::string result_checksum(std::string js) {
  for (const char* key : {"\"execution_time_seconds\"", "\"phase_seconds\""}) {
    const auto pos = js.find(key);
    if (pos == std::string::npos) continue;
    const bool object = key[1] == 'p';
    const auto end = object ? js.find('}', pos) + 1 : js.find_first_of(",\n}", pos + std::strlen(key) + 2);
    js.erase(pos, end - pos);
  }
  return fmt::format("{:016x} ({} bytes)", std::hash<std::string>{}(js), js.size());
}

// "0.52 0.61 0.70" (1, 5, 15 minutes): other work on the machine inflates wall times.
std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

ktrdr::model::ModelSpec model_spec(const ktrdr::config::ModelBundleInfo& bundle) {
  return {bundle.strategy.model, bundle.input_size, bundle.num_outputs, bundle.sequence_length};
}

}  // namespace

int main(int argc, char** argv) {
  const std::string model_dir =
      argc > 1 ? argv[1] : std::string(KTRDR_BENCH_SOURCE_DIR) + "/tests/golden/v1_bench12/model";
  const size_t n = argc > 2 ? std::stoul(argv[2]) : 1'000'000;
  const int repeats = argc > 3 ? std::max(1, std::stoi(argv[3])) : 3;
  const unsigned max_threads = argc > 4 ? static_cast<unsigned>(std::max(1, std::stoi(argv[4])))
                                        : ktrdr::ThreadPool::hardware_threads();

  const Timer t_torch;
  ktrdr::model::Model::load_backend();
  const double torch_seconds = t_torch.wall_seconds();
  ktrdr::model::Model::set_num_threads(1);

  const auto bundle = ktrdr::config::load_model_bundle(model_dir);
  const std::string symbol = bundle.training_symbols.empty() ? "BENCH" : bundle.training_symbols.front();
  const std::string tf = bundle.training_timeframes.empty() ? "1h" : bundle.training_timeframes.front();
  const fs::path dir = fs::temp_directory_path() / fmt::format("ktrdr-bench-{}", ::getpid());
  const fs::path cache_dir = dir / "cache";
  fs::create_directories(dir);
  const std::string csv = (dir / (symbol + "_" + tf + ".csv")).string();
  write_random_walk(csv, n);

  fmt::print(
      "model {} ({} inputs), {} bars of {} {}, best of {} (wall; process cpu); {} hardware threads, load "
      "average {}\n",
      bundle.model_name, bundle.input_size, n, symbol, tf, repeats, ktrdr::ThreadPool::hardware_threads(),
      load_average());
  fmt::print("libtorch plugin load (once per process): {:.0f} ms\n", torch_seconds * 1e3);
  auto line = [&](const std::string& what, const Best& b) {
    fmt::print("  {:<40} {:>8.1f} ms {:>8.2f} M bars/s   cpu {:>8.1f} ms\n", what, b.wall * 1e3,
               static_cast<double>(n) / b.wall / 1e6, b.cpu * 1e3);
  };
  std::string checksum_first;

  std::vector<unsigned> thread_counts{1};
  if (max_threads > 1) thread_counts.push_back(max_threads);
  for (const unsigned threads : thread_counts) {
    ktrdr::ThreadPool pool(threads);
    fmt::print("\n== {} thread{} ==\n", threads, threads > 1 ? "s" : "");
    ktrdr::runner::BacktestRequest req;
    req.model_dir = model_dir;
    req.data_dir = dir.string();
    req.mode = ktrdr::Mode::kKtrdr;
    req.progress_every_bars = 0;
    req.checkpoint_every_bars = 0;
    req.checkpoint_every_seconds = 0;
    req.threads = threads;

    // 1. end to end, as `ktrdr-backtest run` and the worker do it. "json" is the result document, written
    // after execution_time_seconds.
    std::string phases;
    enum class Cold { kNo, kBarCache, kPageCache };
    auto end_to_end = [&](const char* what, ktrdr::BarCache* cache, Cold cold) {
      req.bar_cache = cache;
      if (cache != nullptr) (void)ktrdr::runner::run_backtest(req);  // the entry exists
      Best e2e, e2e_json;
      for (int r = 0; r < repeats; ++r) {
        if (cold != Cold::kNo) fs::remove_all(cache_dir);
        if (cold == Cold::kPageCache) evict_from_page_cache(csv);
        const Timer t;
        const auto out = ktrdr::runner::run_backtest(req);
        const double wall = t.wall_seconds();
        if (wall < e2e.wall) phases = phase_text(out.result_json);
        e2e.take(t);
        if (cache != nullptr) cache->flush();
        e2e_json.wall =
            std::min(e2e_json.wall, wall - number_after(out.result_json, "\"execution_time_seconds\""));
        const std::string sum = result_checksum(out.result_json);
        if (checksum_first.empty()) checksum_first = sum;
        if (sum != checksum_first)
          fmt::print("  RESULT DIFFERS from the first run's: {} vs {}\n", sum, checksum_first);
      }
      fmt::print(
          "end-to-end, {:<20} {:.3f} s = {:.2f} M bars/s; cpu {:.3f} s; of which result json {:.3f} s\n",
          what, e2e.wall, static_cast<double>(n) / e2e.wall / 1e6, e2e.cpu, e2e_json.wall);
      fmt::print("  phase_seconds of the best run: {}\n", phases);
    };
    (void)ktrdr::runner::run_backtest(req);  // warm-up (page cache, torch first-call costs)
    {
      ktrdr::BarCache cache(cache_dir);
      end_to_end("warm bar cache:", &cache, Cold::kNo);
      end_to_end("cold bar cache:", &cache, Cold::kBarCache);
      end_to_end("cold bar+page cache:", &cache, Cold::kPageCache);
    }
    end_to_end("no bar cache:", nullptr, Cold::kNo);

    // 2. each phase alone, as the runner does it
    Best parse, cold, warm, unfused, matrix_build, features, inference, loop, json;
    std::string checksum;
    const auto net = ktrdr::model::Model::load(bundle.weights_path, model_spec(bundle));
    for (int r = 0; r < repeats; ++r) {
      const ktrdr::LoadOptions no_cache{nullptr, &pool};
      Timer t;
      const auto data = ktrdr::runner::load_run_data(bundle, dir.string(), "", "", "", "", no_cache);
      parse.take(t);
      {
        fs::remove_all(cache_dir);
        ktrdr::BarCache cache(cache_dir);
        t = Timer();
        (void)ktrdr::runner::load_run_data(bundle, dir.string(), "", "", "", "", {&cache, &pool});
        cold.take(t);
        cache.flush();
        t = Timer();
        (void)ktrdr::runner::load_run_data(bundle, dir.string(), "", "", "", "", {&cache, &pool});
        warm.take(t);
      }
      const ktrdr::BarSeries& bars = data.bars.at(data.base_timeframe);

      // unfused (compute_features + to_matrix: what `ktrdr-backtest features` does), then the runner's path
      ktrdr::features::FeatureOptions fopts;
      fopts.pool = &pool;
      t = Timer();
      {
        const auto frame =
            ktrdr::features::compute_features(bundle.strategy, data.bars, data.base_timeframe,
                                              bundle.resolved_features, bundle.normalization_params, fopts);
        const Timer t_matrix;
        (void)ktrdr::features::to_matrix(frame);
        matrix_build.take(t_matrix);
      }
      unfused.take(t);
      t = Timer();
      const auto matrix = ktrdr::features::compute_feature_matrix(
          bundle.strategy, data.bars, data.base_timeframe, bundle.resolved_features,
          bundle.normalization_params, fopts);
      features.take(t);

      t = Timer();
      const std::vector<float> outputs =
          net.predict(matrix.values.data(), matrix.rows, ktrdr::model::Model::kChunkRows, &pool);
      inference.take(t);

      ktrdr::engine::EngineOptions eopts;
      eopts.mode = ktrdr::Mode::kKtrdr;
      eopts.symbol = data.symbol;
      eopts.progress_every_bars = 0;
      eopts.checkpoint_every_bars = 0;
      eopts.checkpoint_every_seconds = 0;
      ktrdr::engine::EngineInputs in;
      in.bars = &bars;
      in.outputs = outputs;
      in.n_outputs = static_cast<size_t>(net.num_outputs());
      in.decisions = bundle.strategy.decisions;
      t = Timer();
      const auto outcome = ktrdr::engine::BacktestEngine(eopts).run(in);
      loop.take(t);

      ktrdr::engine::ResultHeader header;
      header.strategy_name = bundle.model_name;
      header.symbol = data.symbol;
      header.timeframe = data.base_timeframe;
      t = Timer();
      const std::string doc = ktrdr::engine::result_to_json(header, eopts, outcome.result);
      json.take(t);
      checksum = fmt::format("{} trades, final capital {}, {} json bytes", outcome.result.trades.size(),
                             outcome.result.final_capital, doc.size());
    }
    fmt::print("phases alone:\n");
    line("load: parse (no bar cache)", parse);
    line("load: cold bar cache (parse + store)", cold);
    line("load: warm bar cache", warm);
    line("features unfused (frame + to_matrix)", unfused);
    line("  of which to_matrix (float32)", matrix_build);
    line("features -> float32 matrix (fused)", features);
    line("inference (batched)", inference);
    line("bar loop + metrics", loop);
    line("result json", json);
    const double engine = warm.wall + features.wall + inference.wall + loop.wall;
    fmt::print("  {:<40} {:>8.1f} ms {:>8.2f} M bars/s   (warm load + features + inference + loop)\n",
               "engine time (sum of best phases)", engine * 1e3, static_cast<double>(n) / engine / 1e6);
    fmt::print("  {:<40} {:>8.1f} ms {:>8.2f} M bars/s   ({})\n", "  + result json",
               (engine + json.wall) * 1e3, static_cast<double>(n) / (engine + json.wall) / 1e6, checksum);
  }

  // 3. inference: batched vs one forward per bar (the reference's way)
  const auto data = ktrdr::runner::load_run_data(bundle, dir.string(), "", "", "", "");
  const auto matrix =
      ktrdr::features::compute_feature_matrix(bundle.strategy, data.bars, data.base_timeframe,
                                              bundle.resolved_features, bundle.normalization_params, {});
  const auto net = ktrdr::model::Model::load(bundle.weights_path, model_spec(bundle));
  const size_t per_row_rows = std::min<size_t>(matrix.rows, 200'000);
  const Timer t_row;
  (void)net.predict_per_row(matrix.values.data(), per_row_rows);
  const double per_row = t_row.wall_seconds();
  fmt::print("\ninference one forward per bar:      {:.3f} M rows/s ({:.1f} us/row, {} rows)\n",
             static_cast<double>(per_row_rows) / per_row / 1e6,
             per_row / static_cast<double>(per_row_rows) * 1e6, per_row_rows);
  fmt::print("every end-to-end result document (timings aside): {}\n", checksum_first);
  fs::remove_all(dir);
  return 0;
}
