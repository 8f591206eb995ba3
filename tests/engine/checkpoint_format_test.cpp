// Checkpoint format version 2: compact equity curve (bytes per point), rejection of version 1 blobs, chains
// of resumes over bars without features, and rebuild checks.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <vector>

#include "../../core/src/engine/checkpoint_codec.h"
#include "ktrdr/common/error.h"
#include "ktrdr/engine/checkpoint.h"
#include "synthetic.h"

using namespace ktrdr;
using engine::BacktestEngine;
using engine::EngineOutcome;

namespace {

std::vector<std::string> checkpoints(const BacktestEngine& eng, const engine::EngineInputs& in,
                                     const std::string* resume = nullptr) {
  std::vector<std::string> blobs;
  engine::EngineHooks h;
  h.on_checkpoint = [&](const std::string& b, const engine::ProgressSnapshot&) { blobs.push_back(b); };
  REQUIRE(eng.run(in, h, resume).status == EngineOutcome::Status::kCompleted);
  return blobs;
}

engine::EngineOptions every(uint64_t bars, engine::EngineOptions o = test::ktrdr_options()) {
  o.record_decisions = false;
  o.checkpoint_every_bars = bars;
  o.checkpoint_every_seconds = 0.0;
  return o;
}

}  // namespace

TEST_CASE("format v2: at most 8 bytes per equity point in a position, ~0 while flat") {
  test::Scripted s(20050);
  const BacktestEngine eng(every(1000));
  // all HOLD: one flat run, the blob does not grow with the curve
  auto flat = checkpoints(eng, s.inputs());
  REQUIRE(flat.size() == 19);
  CHECK(flat.back().size() == flat.front().size());
  // a long held from bar 51 to the end: one stored float64 per point
  s.buy(50);
  auto held = checkpoints(eng, s.inputs());
  REQUIRE(held.size() == 19);
  const double per_point = static_cast<double>(held.back().size() - held.front().size()) / (18.0 * 1000.0);
  MESSAGE("bytes per equity point in a position: " << per_point);
  CHECK(per_point <= 8.01);  // 8 bytes, plus the growing bin header
  CHECK(held.back().size() < 20000 * 8 + 1024);
}

TEST_CASE("format v2: many trades, bars without features: <= 10 bytes per point plus the trades") {
  test::Scripted s(30000);
  s.decisions.allow_short_from_flat = true;
  for (size_t i = 60; i < s.bars.size(); i += 40)
    (i / 40) % 3 == 0 ? s.hold(i) : ((i / 40) % 2 ? s.buy(i) : s.sell(i));
  for (size_t i = 0; i < s.bars.size(); i += 13) s.has_features[i] = 0;
  const BacktestEngine eng(every(29000));
  const auto blobs = checkpoints(eng, s.inputs());
  REQUIRE(blobs.size() == 1);
  const auto info = engine::describe_checkpoint(blobs[0]);
  const double points = 29000.0 * 12.0 / 13.0;
  const double trade_bytes = static_cast<double>(info.closed_trades) * 160.0;
  MESSAGE("blob " << blobs[0].size() << " bytes, " << info.closed_trades << " trades, "
                  << (static_cast<double>(blobs[0].size()) - trade_bytes) / points
                  << " bytes/point besides trades");
  CHECK(info.closed_trades > 150);
  CHECK(static_cast<double>(blobs[0].size()) <= 1024.0 + trade_bytes + 10.0 * points);
}

TEST_CASE("format v2: a version 1 blob is rejected with a clear message") {
  test::Scripted s(200);
  const auto o = every(50);
  const BacktestEngine eng(o);
  const auto blobs = checkpoints(eng, s.inputs());
  REQUIRE(!blobs.empty());
  std::string v1 = blobs[0];
  const size_t version_at = 1 + 1 + std::string(engine::kCheckpointMagic).size();
  REQUIRE(static_cast<uint8_t>(v1[version_at]) == 2);
  v1[version_at] = 1;
  CHECK_THROWS_WITH_AS(eng.run(s.inputs(), {}, &v1), doctest::Contains("checkpoint format version 1"),
                       ktrdr::Error);
  CHECK_THROWS_WITH_AS(engine::describe_checkpoint(v1), doctest::Contains("restart the backtest"),
                       ktrdr::Error);
  CHECK(engine::describe_checkpoint(blobs[0]).version == 2);
}

TEST_CASE("format v2: a chain of resumes over bars without features is bit-identical, both modes") {
  for (const auto mode : {Mode::kKtrdr, Mode::kCorrected}) {
    INFO("mode " << to_string(mode));
    test::Scripted s(3000);
    s.decisions.allow_short_from_flat = true;
    for (size_t i = 55; i < s.bars.size(); i += 23) (i / 23) % 2 ? s.buy(i) : s.sell(i);
    // gaps: single bars, a long stretch, the first loop bar, bars right at checkpoint boundaries, and a
    // decision right before a gap (its fill lands on a bar without features)
    for (size_t i = 0; i < s.bars.size(); i += 17) s.has_features[i] = 0;
    for (size_t i = 700; i < 900; ++i) s.has_features[i] = 0;
    s.has_features[50] = 0;
    for (size_t i = 349; i < s.bars.size(); i += 300) s.has_features[i] = 0;
    s.buy(1000);
    s.has_features[1001] = 0;
    s.has_features[s.bars.size() - 1] = 0;
    auto o = every(300, test::ktrdr_options());
    o.mode = mode;
    o.record_decisions = mode == Mode::kKtrdr;
    const BacktestEngine eng(o);
    const auto in = s.inputs();
    const auto full = eng.run(in).result;
    REQUIRE(full.trades.size() > 50);
    const auto original = checkpoints(eng, in);
    REQUIRE(original.size() == 9);
    // resume from the first checkpoint, then from the first checkpoint of that resume, and so on
    std::string from = original[0];
    for (size_t depth = 1; depth < original.size(); ++depth) {
      INFO("resume depth " << depth);
      CHECK(eng.run(in, {}, &from).result == full);
      const auto next = checkpoints(eng, in, &from);
      REQUIRE(next.size() == original.size() - depth);
      CHECK(next.front() == original[depth]);
      from = next.front();
    }
    CHECK(eng.run(in, {}, &from).result == full);
  }
}

TEST_CASE("format v2: the rebuild checks the point count and the saved tracker scalars") {
  test::Scripted s(400);
  s.buy(60);
  s.sell(90);
  s.buy(130);
  const auto o = every(100);
  const auto in = s.inputs();
  const auto blobs = checkpoints(BacktestEngine(o), in);
  REQUIRE(blobs.size() == 3);
  const auto fp = engine::detail::make_fingerprint(in, o);
  auto d = engine::detail::decode_checkpoint(blobs[1]);
  REQUIRE(d.tracker.points == 200);
  REQUIRE(d.tracker.run_start.size() == 4);  // flat, long, flat, long
  auto tracker = engine::detail::rebuild_tracker(d.tracker, in, 50, d.loop.next_bar);
  REQUIRE(tracker.equity_curve.size() == 200);
  const engine::detail::StateView view{&d.loop, &d.positions, &tracker, &d.decisions};
  CHECK(engine::detail::encode_checkpoint(fp, view) == blobs[1]);  // decode + rebuild + encode round trip

  auto fewer = tracker;  // one point missing
  fewer.equity_curve.pop_back();
  const std::string short_blob = engine::detail::encode_checkpoint(
      fp, engine::detail::StateView{&d.loop, &d.positions, &fewer, &d.decisions});
  CHECK_THROWS_WITH_AS(BacktestEngine(o).run(in, {}, &short_blob), doctest::Contains("equity points"),
                       ktrdr::Error);

  auto off = tracker;  // a peak the values do not give
  off.peak += 1.0;
  const std::string off_blob = engine::detail::encode_checkpoint(
      fp, engine::detail::StateView{&d.loop, &d.positions, &off, &d.decisions});
  CHECK_THROWS_WITH_AS(BacktestEngine(o).run(in, {}, &off_blob), doctest::Contains("peak"), ktrdr::Error);
}

TEST_CASE("cadence: the N-bar trigger honours checkpoint_min_gap_seconds - other triggers do not") {
  test::Scripted s(3000);
  auto o = every(100);
  CHECK(checkpoints(BacktestEngine(o), s.inputs()).size() == 29);
  o.checkpoint_min_gap_seconds = 1e-12;  // always elapsed: the exact N-bar cadence
  CHECK(checkpoints(BacktestEngine(o), s.inputs()).size() == 29);
  o.checkpoint_min_gap_seconds = 3600.0;
  CHECK(checkpoints(BacktestEngine(o), s.inputs()).empty());
  auto timed = o;  // the time trigger is not held back
  timed.checkpoint_every_seconds = 1e-9;
  CHECK(checkpoints(BacktestEngine(timed), s.inputs()).size() == 2);  // polls after 1024 and 2048 bars
  std::atomic<bool> cancel{true};
  engine::EngineHooks h;
  h.cancel = &cancel;
  const auto out = BacktestEngine(o).run(s.inputs(), h);
  CHECK(out.status == EngineOutcome::Status::kCancelled);
  CHECK(!out.checkpoint.empty());
  o.checkpoint_min_gap_seconds = -1.0;
  CHECK_THROWS_WITH_AS(BacktestEngine{o}, doctest::Contains("checkpoint_min_gap_seconds"), ktrdr::Error);
}
