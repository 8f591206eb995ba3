// The bar loop (docs/reference.md §8, §14 test_engine_rewrite / test_next_bar_execution) on scripted outputs.
#include <doctest/doctest.h>

#include <cmath>

#include "ktrdr/common/error.h"
#include "ktrdr/position/position_manager.h"
#include "synthetic.h"

using namespace ktrdr;
using decision::PositionSide;
using decision::Signal;
using engine::BacktestEngine;
using engine::EngineOutcome;

namespace {

EngineOutcome run(const test::Scripted& s, const engine::EngineOptions& o = test::ktrdr_options(),
                  const engine::EngineHooks& hooks = {}) {
  return BacktestEngine(o).run(s.inputs(), hooks);
}

}  // namespace

TEST_CASE("100 bars: 50 decisions and 50 equity points (bars 50..99) - 30 bars is not enough") {
  const test::Scripted s(100);
  const auto out = run(s);
  CHECK(out.status == EngineOutcome::Status::kCompleted);
  CHECK(out.result.decisions.size() == 50);
  CHECK(out.result.decisions.front().bar_index == 50);
  CHECK(out.result.equity_curve.size() == 50);
  CHECK(out.result.equity_curve.front().ts_ns == s.bars.ts_ns[50]);
  CHECK(out.result.trades.empty());
  CHECK(out.result.final_capital == 100000.0);
  CHECK(out.result.loop_bars == 50);
  CHECK_THROWS_AS(run(test::Scripted(30)), ktrdr::Error);
  CHECK_THROWS_AS(run(test::Scripted(50)), ktrdr::Error);
  CHECK_NOTHROW(run(test::Scripted(51)));
}

TEST_CASE("a BUY decided at bar 50 fills at bar 51's open with bar 51's timestamp - SELL exits next bar") {
  test::Scripted s(100);
  s.buy(50);
  s.sell(60);
  const auto out = run(s);
  const auto& r = out.result;
  REQUIRE(r.trades.size() == 1);
  const auto& t = r.trades[0];
  const double e = s.bars.open[51] * (1 + 0.0005);
  const auto q = static_cast<int64_t>(0.25 * 100000.0 / 1.001 / s.bars.open[51]);
  CHECK(t.entry_ts_ns == s.bars.ts_ns[51]);
  CHECK(t.entry_price == e);
  CHECK(t.quantity == q);
  CHECK(t.exit_ts_ns == s.bars.ts_ns[61]);
  CHECK(t.exit_price == s.bars.open[61] * (1 - 0.0005));
  CHECK(t.holding_period_hours == 9.0);  // last mark at bar 60 (as-is)
  CHECK(t.confidence == static_cast<double>(0.8f));
  CHECK_FALSE(t.forced);
  // equity: bar 50 flat, bar 51 long marked at its close
  CHECK(r.equity_curve[0].position == PositionSide::kFlat);
  CHECK(r.equity_curve[1].position == PositionSide::kLong);
  const double cash_after = 100000.0 - (e * static_cast<double>(q) + e * static_cast<double>(q) * 0.001);
  CHECK(std::abs(r.equity_curve[1].portfolio_value -
                 (cash_after + s.bars.close[51] * static_cast<double>(q))) < 1e-9);
  // the decision at bar 51 saw LONG (after the open fill)
  CHECK(r.decisions[1].position == PositionSide::kLong);
  CHECK(r.decisions[10].position == PositionSide::kLong);  // bar 60 decides SELL while LONG
  CHECK(r.decisions[10].signal == Signal::kSell);
  CHECK(r.decisions[11].position == PositionSide::kFlat);  // bar 61: exited at its open
}

TEST_CASE("BUY at 50 and SELL at 51 both execute, in order, at 51 and 52") {
  test::Scripted s(100);
  s.buy(50);
  s.sell(51);
  const auto r = run(s).result;
  REQUIRE(r.trades.size() == 1);
  CHECK(r.trades[0].entry_ts_ns == s.bars.ts_ns[51]);
  CHECK(r.trades[0].exit_ts_ns == s.bars.ts_ns[52]);
  CHECK(r.trades[0].holding_period_hours == 0.0);  // entered at 51, last marked at 51
}

TEST_CASE("a signal on the last bar is dropped - the open position is force-closed at the last close") {
  test::Scripted s(100);
  s.buy(90);
  s.sell(99);  // dropped
  const auto ktrdr_run = run(s);
  const auto& r = ktrdr_run.result;
  REQUIRE(r.trades.size() == 1);
  const auto& t = r.trades[0];
  CHECK(t.forced);
  CHECK(t.exit_ts_ns == s.bars.ts_ns[99]);
  CHECK(t.exit_price == s.bars.close[99] * (1 - 0.0005));
  CHECK(t.holding_period_hours == 8.0);  // 91 -> 99
  // ktrdr: the last equity point is the mark-to-market before the force close
  CHECK(r.equity_curve.back().position == PositionSide::kLong);
  CHECK(r.equity_curve.back().portfolio_value != r.final_capital);
  CHECK(r.metrics.total_return == r.equity_curve.back().portfolio_value - 100000.0);

  auto o = test::ktrdr_options();
  o.mode = Mode::kCorrected;
  const auto c = run(s, o).result;
  REQUIRE(c.trades.size() == 1);
  CHECK(c.equity_curve.size() == r.equity_curve.size());
  CHECK(c.equity_curve.back().position == PositionSide::kFlat);  // recorded after the force close
  CHECK(c.equity_curve.back().portfolio_value == c.final_capital);
  CHECK(c.final_capital == r.final_capital);  // same cash flows
  CHECK(c.metrics.total_return == c.final_capital - 100000.0);
  CHECK(std::abs(c.trades[0].net_pnl - (c.final_capital - 100000.0)) < 1e-9);  // entry fee included
  CHECK(c.trades[0].holding_period_hours == 8.0);
}

TEST_CASE("separation filter counts from the bar of the last executed trade") {
  test::Scripted s(100);
  s.decisions.min_signal_separation_hours = 4.0;
  s.buy(50);   // fills at 51: last signal time = bar 51
  s.sell(53);  // 2 h after 51 -> HOLD
  s.sell(54);  // 3 h -> HOLD
  s.sell(55);  // 4 h -> passes, exits at 56
  const auto r = run(s).result;
  CHECK(r.decisions[3].raw_signal == Signal::kSell);
  CHECK(r.decisions[3].signal == Signal::kHold);
  CHECK(r.decisions[4].signal == Signal::kHold);
  CHECK(r.decisions[5].signal == Signal::kSell);
  REQUIRE(r.trades.size() == 1);
  CHECK(r.trades[0].exit_ts_ns == s.bars.ts_ns[56]);
}

TEST_CASE("shorts: SELL from flat opens a short when allowed, BUY covers it") {
  test::Scripted s(100);
  s.decisions.allow_short_from_flat = true;
  s.sell(50);
  s.buy(60);
  const auto r = run(s).result;
  REQUIRE(r.trades.size() == 1);
  const auto& t = r.trades[0];
  CHECK(t.side == PositionSide::kShort);
  CHECK(t.entry_price == s.bars.open[51] * (1 - 0.0005));
  CHECK(t.exit_price == s.bars.open[61] * (1 + 0.0005));
  CHECK(r.equity_curve[1].position == PositionSide::kShort);

  test::Scripted blocked(100);
  blocked.sell(50);
  CHECK(run(blocked).result.trades.empty());  // default: no short from flat
}

TEST_CASE("bars without features: no decision, no equity point, no mark-to-market - pending still fills") {
  test::Scripted s(100);
  s.buy(50);
  s.has_features[51] = 0;  // the BUY still fills at 51's open
  s.has_features[52] = 0;
  s.sell(53);
  const auto r = run(s).result;
  CHECK(r.decisions.size() == 48);
  CHECK(r.equity_curve.size() == 48);
  CHECK(r.equity_curve[1].ts_ns == s.bars.ts_ns[53]);
  REQUIRE(r.trades.size() == 1);
  CHECK(r.trades[0].entry_ts_ns == s.bars.ts_ns[51]);
  CHECK(r.trades[0].exit_ts_ns == s.bars.ts_ns[54]);
  CHECK(r.trades[0].holding_period_hours == 2.0);  // marked at 53 only
}

TEST_CASE("NaN outputs decide HOLD and still record equity") {
  test::Scripted s(60);
  const float nan = std::nanf("");
  s.set(55, nan, nan, nan);
  const auto r = run(s).result;
  CHECK(r.decisions[5].error == decision::DecisionError::kNanConfidence);
  CHECK(r.equity_curve.size() == 10);
}

TEST_CASE("input validation names the problem") {
  test::Scripted s(100);
  auto in = s.inputs();
  in.n_outputs = 2;
  CHECK_THROWS_AS(BacktestEngine(test::ktrdr_options()).run(in), ktrdr::Error);
  in = s.inputs();
  in.has_features = std::span<const uint8_t>(s.has_features.data(), 10);
  CHECK_THROWS_AS(BacktestEngine(test::ktrdr_options()).run(in), ktrdr::Error);
  auto o = test::ktrdr_options();
  o.costs.initial_capital = -1.0;
  CHECK_THROWS_AS(BacktestEngine{o}, ktrdr::Error);
  o = test::ktrdr_options();
  o.start_ns = 0;
  CHECK_THROWS_AS(BacktestEngine{o}, ktrdr::Error);
}

TEST_CASE("warm-up is configurable") {
  test::Scripted s(20);
  s.buy(5);
  auto o = test::ktrdr_options();
  o.warmup_bars = 5;
  const auto r = run(s, o).result;
  CHECK(r.decisions.size() == 15);
  REQUIRE(r.trades.size() == 1);
  CHECK(r.trades[0].entry_ts_ns == s.bars.ts_ns[6]);
}

TEST_CASE("progress: every N loop bars and once at the end") {
  test::Scripted s(100);
  s.buy(50);
  auto o = test::ktrdr_options();
  o.progress_every_bars = 10;
  std::vector<engine::ProgressSnapshot> seen;
  engine::EngineHooks hooks;
  hooks.on_progress = [&](const engine::ProgressSnapshot& p) { seen.push_back(p); };
  run(s, o, hooks);
  REQUIRE(seen.size() == 5);  // after 10, 20, 30, 40 loop bars, and the end
  CHECK(seen[0].bars_done == 10);
  CHECK(seen[0].bar_index == 59);
  CHECK(seen[0].bars_total == 50);
  CHECK(seen[0].percentage == 20.0);
  CHECK(seen.back().bars_done == 50);
  CHECK(seen.back().percentage == 100.0);
  CHECK(seen.back().trades == 1);
}
