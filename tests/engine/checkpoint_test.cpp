// Checkpoints: resume (and resume of a resume) bit-identical to the uninterrupted run; corrupt or mismatched
// blobs rejected with ktrdr::Error; cancellation.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "golden_case.h"
#include "ktrdr/common/error.h"
#include "ktrdr/engine/checkpoint.h"
#include "synthetic.h"

using namespace ktrdr;
using engine::BacktestEngine;
using engine::EngineOutcome;

namespace {

struct Collected {
  std::vector<std::string> blobs;
  std::vector<engine::ProgressSnapshot> at;
  engine::EngineHooks hooks() {
    engine::EngineHooks h;
    h.on_checkpoint = [this](const std::string& b, const engine::ProgressSnapshot& p) {
      blobs.push_back(b);
      at.push_back(p);
    };
    return h;
  }
};

void check_resume_identity(const engine::EngineInputs& in, engine::EngineOptions o) {
  o.checkpoint_every_bars = 400;
  o.checkpoint_every_seconds = 0.0;
  const BacktestEngine eng(o);
  Collected first;
  const EngineOutcome full = eng.run(in, first.hooks());
  REQUIRE(full.status == EngineOutcome::Status::kCompleted);
  const uint64_t loop_bars = full.result.loop_bars;
  REQUIRE(first.blobs.size() == (loop_bars - 1) / 400);
  REQUIRE(first.blobs.size() >= 3);
  CHECK(eng.run(in).result == full.result);  // deterministic (same result without hooks)
  for (size_t i = 0; i < first.blobs.size(); ++i) {
    INFO("resume from checkpoint " << i << " at bar " << first.at[i].bar_index);
    const auto info = engine::describe_checkpoint(first.blobs[i]);
    CHECK(info.next_bar_index == first.at[i].bar_index + 1);
    CHECK(info.total_bars == full.result.bars);
    Collected again;
    const EngineOutcome resumed = eng.run(in, again.hooks(), &first.blobs[i]);
    REQUIRE(resumed.status == EngineOutcome::Status::kCompleted);
    CHECK(resumed.result == full.result);  // every trade, point, decision and metric with ==
    // later checkpoints of the resumed run are byte-identical to the original ones
    REQUIRE(again.blobs.size() == first.blobs.size() - i - 1);
    for (size_t k = 0; k < again.blobs.size(); ++k) CHECK(again.blobs[k] == first.blobs[i + 1 + k]);
    if (!again.blobs.empty()) {  // a resume of a resume
      const EngineOutcome twice = eng.run(in, {}, &again.blobs.front());
      CHECK(twice.result == full.result);
    }
  }
}

}  // namespace

TEST_CASE("resume from every checkpoint of a golden run is bit-identical, ktrdr mode") {
  const test::GoldenEngineCase g = test::load_golden_engine_case("v1_bench12");
  check_resume_identity(g.inputs(), g.options);
}

TEST_CASE("resume from every checkpoint is bit-identical, corrected mode, bars without features") {
  test::GoldenEngineCase g = test::load_golden_engine_case("v1_bench12");
  std::vector<uint8_t> has(g.bars.size(), 1);
  for (size_t i = 0; i < has.size(); i += 37) has[i] = 0;
  auto in = g.inputs();
  in.has_features = has;
  auto o = g.options;
  o.mode = Mode::kCorrected;
  o.costs.position_fraction = 0.4;
  check_resume_identity(in, o);
}

TEST_CASE("time-triggered checkpoints are polled every 1024 bars") {
  const test::GoldenEngineCase g = test::load_golden_engine_case("v1_bench12");
  auto o = g.options;
  o.checkpoint_every_bars = 0;
  o.checkpoint_every_seconds = 1e-9;
  Collected c;
  BacktestEngine(o).run(g.inputs(), c.hooks());
  REQUIRE(c.blobs.size() == 2);  // 2950 loop bars: polls after 1024 and 2048
  CHECK(c.at[0].bars_done == 1024);
  CHECK(c.at[1].bars_done == 2048);
}

TEST_CASE("cancellation: immediate, from a hook, resumable to the same result") {
  const test::GoldenEngineCase g = test::load_golden_engine_case("v1_bench12");
  const BacktestEngine eng(g.options);
  const EngineOutcome full = eng.run(g.inputs());

  std::atomic<bool> cancel{true};
  engine::EngineHooks h;
  h.cancel = &cancel;
  const EngineOutcome at_start = eng.run(g.inputs(), h);
  REQUIRE(at_start.status == EngineOutcome::Status::kCancelled);
  CHECK(engine::describe_checkpoint(at_start.checkpoint).next_bar_index == 50);
  CHECK(eng.run(g.inputs(), {}, &at_start.checkpoint).result == full.result);

  cancel = false;
  auto o = g.options;
  o.progress_every_bars = 100;
  o.checkpoint_every_bars = 0;
  o.checkpoint_every_seconds = 0;
  Collected c;
  h = c.hooks();
  h.cancel = &cancel;
  h.on_progress = [&](const engine::ProgressSnapshot& p) {
    if (p.bars_done == 500) cancel = true;
  };
  const EngineOutcome mid = BacktestEngine(o).run(g.inputs(), h);
  REQUIRE(mid.status == EngineOutcome::Status::kCancelled);
  CHECK(mid.last_progress.bars_done == 1024);  // the next poll
  REQUIRE(c.blobs.size() == 1);                // the cancellation checkpoint goes through the hook too
  CHECK(c.blobs[0] == mid.checkpoint);
  const EngineOutcome resumed = eng.run(g.inputs(), {}, &mid.checkpoint);
  CHECK(resumed.result == full.result);
}

TEST_CASE("cancellation lands within 100 ms") {
  test::Scripted s(400000);
  for (size_t i = 60; i < s.bars.size(); i += 50) (i / 50) % 2 ? s.buy(i) : s.sell(i);
  auto o = test::ktrdr_options();
  o.record_decisions = false;
  o.progress_every_bars = 256;
  std::atomic<bool> cancel{false};
  engine::EngineHooks h;
  h.cancel = &cancel;
  h.on_progress = [](const engine::ProgressSnapshot&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // a slow consumer: ~8 ms per 1024 bars
  };
  std::chrono::steady_clock::time_point set_at;
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    set_at = std::chrono::steady_clock::now();
    cancel = true;
  });
  const EngineOutcome out = BacktestEngine(o).run(s.inputs(), h);
  const auto done = std::chrono::steady_clock::now();
  t.join();
  REQUIRE(out.status == EngineOutcome::Status::kCancelled);
  CHECK(std::chrono::duration<double, std::milli>(done - set_at).count() < 100.0);
}

namespace {

struct SmallRun {
  test::Scripted s{120};
  engine::EngineOptions o = test::ktrdr_options();
  std::vector<std::string> blobs;  // one after every loop bar: open positions, pending signals, ...
  std::string blob;                // the one after bar 71: a short opened at 71's open, MFE/MAE running
  SmallRun() {
    s.decisions.allow_short_from_flat = true;
    s.decisions.min_signal_separation_hours = 3.0;
    s.buy(52);
    s.sell(60);
    s.sell(70);
    s.buy(72);  // HOLD: 1 h after the short's fill
    s.buy(75);
    s.buy(90);
    o.checkpoint_every_bars = 1;
    o.checkpoint_every_seconds = 0;
    Collected c;
    BacktestEngine(o).run(s.inputs(), c.hooks());
    REQUIRE(c.blobs.size() == 69);
    blobs = c.blobs;
    blob = c.blobs[71 - 50];
    const auto info = engine::describe_checkpoint(blob);
    REQUIRE(info.next_bar_index == 72);
    REQUIRE(info.position_open);
    REQUIRE(info.closed_trades == 1);
  }
};

}  // namespace

TEST_CASE("corrupt blobs are rejected with ktrdr::Error, never a crash") {
  SmallRun run;
  const BacktestEngine eng(run.o);
  const auto in = run.s.inputs();
  const auto full = eng.run(in).result;
  REQUIRE(full.trades.size() == 3);
  for (const auto& b : run.blobs) CHECK(eng.run(in, {}, &b).result == full);  // every bar of the loop
  const std::string empty;
  CHECK_THROWS_AS(eng.run(in, {}, &empty), ktrdr::Error);
  const std::string garbage = "this is not a checkpoint";
  CHECK_THROWS_AS(eng.run(in, {}, &garbage), ktrdr::Error);
  // every truncation
  for (size_t len = 0; len < run.blob.size(); ++len) {
    const std::string cut = run.blob.substr(0, len);
    CHECK_THROWS_AS(eng.run(in, {}, &cut), ktrdr::Error);
  }
  // every single-byte corruption
  int rejected = 0;
  for (size_t i = 0; i < run.blob.size(); ++i) {
    std::string bad = run.blob;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    try {
      eng.run(in, {}, &bad);
    } catch (const ktrdr::Error&) {
      ++rejected;
    }
  }
  CHECK(rejected == static_cast<int>(run.blob.size()));
  // trailing bytes
  const std::string longer = run.blob + "x";
  CHECK_THROWS_AS(eng.run(in, {}, &longer), ktrdr::Error);
  CHECK_THROWS_WITH_AS(engine::describe_checkpoint(garbage), doctest::Contains("corrupt"), ktrdr::Error);
}

TEST_CASE("a checkpoint of another version or another run is rejected with a clear message") {
  SmallRun run;
  // version byte: the envelope is [fixarray 4][fixstr magic][version]...
  std::string v2 = run.blob;
  const size_t version_at = 1 + 1 + std::string(engine::kCheckpointMagic).size();
  REQUIRE(static_cast<uint8_t>(v2[version_at]) == engine::kCheckpointVersion);
  v2[version_at] = static_cast<char>(engine::kCheckpointVersion + 1);  // a future version
  const std::string future = fmt::format("version {}", engine::kCheckpointVersion + 1);
  CHECK_THROWS_WITH_AS(BacktestEngine(run.o).run(run.s.inputs(), {}, &v2), doctest::Contains(future.c_str()),
                       ktrdr::Error);

  auto o = run.o;
  o.costs.initial_capital = 50000.0;
  CHECK_THROWS_WITH_AS(BacktestEngine(o).run(run.s.inputs(), {}, &run.blob), doctest::Contains("another run"),
                       ktrdr::Error);
  o = run.o;
  o.mode = Mode::kCorrected;
  CHECK_THROWS_WITH_AS(BacktestEngine(o).run(run.s.inputs(), {}, &run.blob),
                       doctest::Contains("accounting mode"), ktrdr::Error);
  test::Scripted other = run.s;
  other.bars.close[10] += 0.001;
  CHECK_THROWS_WITH_AS(BacktestEngine(run.o).run(other.inputs(), {}, &run.blob), doctest::Contains("prices"),
                       ktrdr::Error);
  test::Scripted shorter(119);
  CHECK_THROWS_WITH_AS(BacktestEngine(run.o).run(shorter.inputs(), {}, &run.blob), doctest::Contains("bars"),
                       ktrdr::Error);
  auto in = run.s.inputs();
  in.decisions.confidence_threshold = 0.6;
  CHECK_THROWS_WITH_AS(BacktestEngine(run.o).run(in, {}, &run.blob), doctest::Contains("decision settings"),
                       ktrdr::Error);
  // cadence options may change on resume
  o = run.o;
  o.checkpoint_every_bars = 7;
  o.progress_every_bars = 3;
  CHECK(BacktestEngine(o).run(run.s.inputs(), {}, &run.blob).result ==
        BacktestEngine(run.o).run(run.s.inputs()).result);
}
