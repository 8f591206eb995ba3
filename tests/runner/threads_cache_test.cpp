// How a run uses the machine never changes its result: the whole result document (timings aside) of a run on
// a pool of threads, with the bar cache cold and then warm, is byte for byte the one-thread, no-cache
// document. The data is large enough for every parallel path to split (CSV chunks, fuzzy row blocks,
// inference chunks), and the golden cases are run the same way.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "golden_request.h"
#include "ktrdr/common/error.h"
#include "ktrdr/common/time.h"
#include "ktrdr/data/bar_cache.h"
#include "ktrdr/runner/backtest_runner.h"
#include "support/temp_dir.h"

using namespace ktrdr;
namespace fs = std::filesystem;

namespace {

// The document without the fields that time the run.
std::string without_timings(const std::string& doc) {
  nlohmann::json j = nlohmann::json::parse(doc);
  REQUIRE(j.contains("execution_time_seconds"));
  j.erase("execution_time_seconds");
  if (j.contains("phase_seconds")) j.erase("phase_seconds");
  return j.dump();
}

std::string run(runner::BacktestRequest req, unsigned threads, BarCache* cache) {
  req.threads = threads;
  req.bar_cache = cache;
  const runner::RunOutcome out = runner::run_backtest(req);
  REQUIRE(out.status == runner::RunOutcome::Status::kCompleted);
  return without_timings(out.result_json);
}

void write_random_walk(const fs::path& path, size_t n) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> step(0.0, 0.004);
  std::ofstream out(path);
  out << "timestamp,open,high,low,close,volume\n";
  double price = 1.1;
  int64_t t = *try_parse_timestamp_ns("2001-01-01");
  for (size_t i = 0; i < n; ++i, t += kNanosPerHour) {
    const double o = price, c = o * std::exp(step(rng));
    out << fmt::format("{},{:.6f},{:.6f},{:.6f},{:.6f},{}\n", format_iso_utc(t), o, std::max(o, c) * 1.0007,
                       std::min(o, c) * 0.9993, c, 1000 + i % 977);
    price = c;
  }
}

}  // namespace

TEST_CASE("runner: threads and the bar cache do not change a result (large data, golden cases)") {
  const test::TempDir scratch("ktrdr-threads-cache");
  write_random_walk(scratch.path() / "SYNTH_1h.csv", 60000);  // 3.7 MB: parsed in chunks; 234 row blocks
  runner::BacktestRequest big;
  big.model_dir = std::string(KTRDR_TEST_DATA) + "/golden/v1_bench12/model";
  big.data_dir = scratch.str();
  big.start_date = "2001-03-01";
  big.mode = Mode::kKtrdr;

  std::vector<runner::BacktestRequest> requests{big};
  for (const char* name : {"v1_bench12", "v2_macd_roc_raw"}) {
    runner::BacktestRequest req = test::golden_request(name);
    req.mode = Mode::kCorrected;
    requests.push_back(req);
  }
  for (const auto& req : requests) {
    CAPTURE(req.model_dir);
    CAPTURE(req.data_dir);
    const std::string want = run(req, 1, nullptr);
    BarCache cache(scratch.path() / "cache");
    CHECK(run(req, 2, &cache) == want);  // cold: parsed on 2 threads, entry stored
    cache.flush();
    CHECK(run(req, 3, &cache) == want);  // warm
    CHECK(run(req, 1, &cache) == want);
    CHECK(cache.stats().hits == 2);
    CHECK(cache.stats().built == 1);
  }
  runner::BacktestRequest bad = big;
  bad.threads = 0;
  CHECK_THROWS_WITH_AS(runner::run_backtest(bad), "threads must be in [1, 1024] (got 0)", Error);
}
