// Inference throughput of ktrdr::model::Model: batched predict() (chunks) vs predict_per_row() (one forward
// per row, the reference's way) on an MLP like golden v1 (12 -> 32 -> 16 -> 3, relu).
//
// usage: bench_inference [--rows N=1000000] [--per-row-rows N=200000] [--threads T=1] [--repeat R=3]
//                        [--model PATH=tests/golden/v1_bench12/model/model.pt]
// Prints rows/s (best of R runs) per variant, and how batched and per-row outputs compare.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "ktrdr/common/error.h"
#include "ktrdr/model/model.h"

#ifndef KTRDR_SOURCE_DIR
#define KTRDR_SOURCE_DIR "."  // run from the repository root, or pass --model
#endif

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int argmax3(const float* v) {
  return v[1] > v[0] ? (v[2] > v[1] ? 2 : 1) : (v[2] > v[0] ? 2 : 0);
}

}  // namespace

int main(int argc, char** argv) {
  size_t rows = 1000000;
  size_t per_row_rows = 200000;
  int threads = 1;
  int repeat = 3;
  std::string model_path = std::string(KTRDR_SOURCE_DIR) + "/tests/golden/v1_bench12/model/model.pt";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--rows")
      rows = std::strtoull(v, nullptr, 10);
    else if (k == "--per-row-rows")
      per_row_rows = std::strtoull(v, nullptr, 10);
    else if (k == "--threads")
      threads = std::atoi(v);
    else if (k == "--repeat")
      repeat = std::max(1, std::atoi(v));
    else if (k == "--model")
      model_path = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  try {
    ktrdr::model::ModelSpec spec;
    spec.architecture.hidden_layers = {32, 16};
    spec.input_size = 12;
    ktrdr::model::Model::set_num_threads(threads);
    const auto model = ktrdr::model::Model::load(model_path, spec);

    std::mt19937 rng(42);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    std::vector<float> x(rows * 12);
    for (auto& v : x) v = u(rng);
    std::printf("model %s (12 -> 32 -> 16 -> 3 relu), torch threads %d, %zu rows (per-row on %zu)\n",
                model_path.c_str(), ktrdr::model::Model::num_threads(), rows, per_row_rows);

    (void)model.predict(x.data(), std::min<size_t>(rows, 8192));  // warm-up
    std::vector<float> batched;
    for (size_t chunk : {size_t{4096}, size_t{1024}, size_t{256}}) {
      double best = 1e300;
      for (int r = 0; r < repeat; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        auto out = model.predict(x.data(), rows, chunk);
        best = std::min(best, seconds_since(t0));
        if (chunk == 4096) batched = std::move(out);
      }
      std::printf("batched predict, chunks of %5zu: %10.0f rows/s  (%.3f s for %zu rows)\n", chunk,
                  static_cast<double>(rows) / best, best, rows);
    }

    const size_t n = std::min(per_row_rows, rows);
    double best = 1e300;
    std::vector<float> single;
    for (int r = 0; r < std::min(repeat, 2); ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      single = model.predict_per_row(x.data(), n);
      best = std::min(best, seconds_since(t0));
    }
    std::printf("predict_per_row (batch 1):       %10.0f rows/s  (%.3f s for %zu rows, %.2f us/row)\n",
                static_cast<double>(n) / best, best, n, best * 1e6 / static_cast<double>(n));

    double max_diff = 0;
    size_t differing = 0, signal_mismatch = 0;
    for (size_t i = 0; i < n; ++i) {
      for (size_t c = 0; c < 3; ++c) {
        const double d = std::abs(static_cast<double>(batched[i * 3 + c]) - single[i * 3 + c]);
        max_diff = std::max(max_diff, d);
        differing += d != 0.0;
      }
      signal_mismatch += argmax3(&batched[i * 3]) != argmax3(&single[i * 3]);
    }
    std::printf(
        "batched vs per-row on %zu rows: max |logit diff| %.3g, %zu of %zu logits differ, %zu argmax "
        "mismatches\n",
        n, max_diff, differing, n * 3, signal_mismatch);
  } catch (const ktrdr::Error& e) {
    std::fprintf(stderr, "bench_inference: %s\n", e.what());
    return 1;
  }
  return 0;
}
