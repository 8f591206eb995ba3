// Inference throughput of ktrdr::model::Model, per model: batched predict() (chunks of 4096) on one thread,
// on a pool of threads (the chunks shared out) and with libtorch's own intra-op threads, against
// predict_per_row() (one forward per bar, the reference's way); and how their outputs compare, bit for bit
// and as signals (argmax of the logits, which is what the decision function acts on first).
//
// usage: bench_inference [--rows N=1000000] [--seq-rows N=50000] [--per-row-rows N=20000] [--threads T=hw]
//                        [--repeat R=3] [--model KIND=PATH ...]
// Models: the golden bench MLP (12 -> 32 -> 16 -> 3 relu), and the LSTM and GRU of
// scripts/make_bench_models.py (12 inputs, hidden 32, 2 layers, sequence_length 20; built with the bench).
// Sequence models run on --seq-rows rows (each row's input is a window of 20 rows).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "best_of.h"
#include "ktrdr/common/error.h"
#include "ktrdr/common/thread_pool.h"
#include "ktrdr/config/model_bundle.h"
#include "ktrdr/decision/decision_function.h"
#include "ktrdr/model/model.h"

namespace {

using ktrdr::bench::Best;
using ktrdr::bench::Timer;
using ktrdr::model::Model;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int argmax3(const float* v) {
  if (std::isnan(v[0])) return -1;
  return v[1] > v[0] ? (v[2] > v[1] ? 2 : 1) : (v[2] > v[0] ? 2 : 0);
}

// Best wall and process-CPU time of `repeat` calls; the last output is kept in `out`.
template <typename Fn>
Best best_of(int repeat, std::vector<float>& out, Fn fn) {
  Best best;
  for (int r = 0; r < repeat; ++r) {
    const Timer t;
    out = fn();
    best.take(t);
  }
  return best;
}

struct Compared {
  size_t differing = 0, signal_mismatch = 0, rows = 0;
  double max_diff = 0;
};

// a vs b over their first `rows` rows (3 outputs each); NaN rows (no full window) must match as NaN.
Compared compare(const std::vector<float>& a, const std::vector<float>& b, size_t rows) {
  Compared c;
  c.rows = rows;
  for (size_t i = 0; i < rows * 3; ++i) {
    if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0) {
      ++c.differing;
      c.max_diff = std::max(c.max_diff, std::abs(static_cast<double>(a[i]) - b[i]));
    }
  }
  for (size_t i = 0; i < rows; ++i) c.signal_mismatch += argmax3(&a[i * 3]) != argmax3(&b[i * 3]);
  return c;
}

// The decision function on both outputs, per row and for each position (no earlier trade): how many signals
// (after the confidence threshold and position rules) and confidences differ.
std::string compare_decisions(const std::vector<float>& a, const std::vector<float>& b, size_t rows,
                              const ktrdr::config::DecisionConfig& config) {
  using ktrdr::decision::PositionSide;
  const ktrdr::decision::DecisionFunction decide(config);
  size_t signals = 0, confidences = 0, checked = 0;
  for (size_t i = 0; i < rows; ++i) {
    if (std::isnan(a[i * 3])) continue;
    for (PositionSide side : {PositionSide::kFlat, PositionSide::kLong, PositionSide::kShort}) {
      const auto da =
          decide.decide(&a[i * 3], 3, side, static_cast<int64_t>(i) * 3'600'000'000'000, std::nullopt);
      const auto db =
          decide.decide(&b[i * 3], 3, side, static_cast<int64_t>(i) * 3'600'000'000'000, std::nullopt);
      signals += da.signal != db.signal;
      confidences += da.confidence != db.confidence;
      ++checked;
    }
  }
  return std::to_string(signals) + " of " + std::to_string(checked) + " decisions and " +
         std::to_string(confidences) + " confidences differ";
}

void print_compare(const char* what, const Compared& c) {
  std::printf("    %-34s %zu of %zu logits differ (max |diff| %.3g), %zu of %zu signals differ\n", what,
              c.differing, c.rows * 3, c.max_diff, c.signal_mismatch, c.rows);
}

}  // namespace

int main(int argc, char** argv) {
  size_t rows = 1000000, seq_rows = 50000, per_row_rows = 20000;
  unsigned threads = ktrdr::ThreadPool::hardware_threads();
  int repeat = 3;
  std::vector<std::pair<std::string, std::string>> models{
      {"mlp", std::string(KTRDR_BENCH_SOURCE_DIR) + "/tests/golden/v1_bench12/model"},
      {"lstm", std::string(KTRDR_BENCH_MODELS) + "/lstm"},
      {"gru", std::string(KTRDR_BENCH_MODELS) + "/gru"}};
  bool models_given = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const std::string v = argv[i + 1];
    if (k == "--rows") {
      rows = std::stoull(v);
    } else if (k == "--seq-rows") {
      seq_rows = std::stoull(v);
    } else if (k == "--per-row-rows") {
      per_row_rows = std::stoull(v);
    } else if (k == "--threads") {
      threads = static_cast<unsigned>(std::max(1, std::stoi(v)));
    } else if (k == "--repeat") {
      repeat = std::max(1, std::stoi(v));
    } else if (k == "--model" && v.find('=') != std::string::npos) {
      if (!models_given) models.clear();
      models_given = true;
      models.emplace_back(v.substr(0, v.find('=')), v.substr(v.find('=') + 1));
    } else {
      std::fprintf(stderr, "unknown option %s (see the comment at the top of bench/inference.cpp)\n",
                   k.c_str());
      return 2;
    }
  }
  try {
    const auto t_load = std::chrono::steady_clock::now();
    Model::load_backend();
    std::printf("libtorch plugin loaded in %.0f ms\n", seconds_since(t_load) * 1e3);
    ktrdr::ThreadPool pool(threads);
    for (const auto& [kind, dir] : models) {
      if (!std::filesystem::exists(dir)) {
        std::printf("%s: %s is missing (built with the benchmarks by scripts/make_bench_models.py)\n",
                    kind.c_str(), dir.c_str());
        continue;
      }
      const auto bundle = ktrdr::config::load_model_bundle(dir);
      const ktrdr::model::ModelSpec spec{bundle.strategy.model, bundle.input_size, bundle.num_outputs,
                                         bundle.sequence_length};
      const Model model = Model::load(bundle.weights_path, spec);
      const size_t n = model.sequence_length() > 1 ? seq_rows : rows;
      const size_t f = static_cast<size_t>(spec.input_size);
      std::mt19937 rng(42);
      std::uniform_real_distribution<float> u(0.0f, 1.0f);
      std::vector<float> x(n * f);
      for (auto& v : x) v = u(rng);
      std::printf("%s (%s, sequence_length %d): %zu rows, best of %d\n", kind.c_str(), dir.c_str(),
                  model.sequence_length(), n, repeat);

      Model::set_num_threads(1);
      (void)model.predict(x.data(), std::min<size_t>(n, 8192));  // warm-up (first-call costs)
      std::vector<float> one, on_pool, intra, per_row;
      const Best t_one = best_of(repeat, one, [&] { return model.predict(x.data(), n); });
      const Best t_pool =
          best_of(repeat, on_pool, [&] { return model.predict(x.data(), n, Model::kChunkRows, &pool); });
      Model::set_num_threads(static_cast<int>(threads));
      const Best t_intra = best_of(repeat, intra, [&] { return model.predict(x.data(), n); });
      Model::set_num_threads(1);
      const size_t m = std::min(per_row_rows, n);
      const Best t_row =
          best_of(std::min(repeat, 2), per_row, [&] { return model.predict_per_row(x.data(), m); });
      auto line = [&](const char* what, const Best& b, size_t r) {
        std::printf("  %-44s %10.0f bars/s  (%.3f s wall, %.3f s cpu for %zu rows)\n", what,
                    static_cast<double>(r) / b.wall, b.wall, b.cpu, r);
      };
      line("batched, 1 thread", t_one, n);
      const std::string pool_name = "batched, pool of " + std::to_string(threads) + " (chunks shared out)";
      line(pool_name.c_str(), t_pool, n);
      const std::string intra_name = "batched, libtorch intra-op " + std::to_string(threads) + " threads";
      line(intra_name.c_str(), t_intra, n);
      line("one forward per bar (the reference)", t_row, m);
      print_compare("pool vs 1 thread:", compare(on_pool, one, n));
      print_compare("intra-op threads vs 1 thread:", compare(intra, one, n));
      print_compare("one forward per bar vs batched:", compare(per_row, one, m));
      std::printf("    %-34s %s\n", "",
                  compare_decisions(per_row, one, m, bundle.strategy.decisions).c_str());
    }
  } catch (const ktrdr::Error& e) {
    std::fprintf(stderr, "bench_inference: %s\n", e.what());
    return 1;
  }
  return 0;
}
