// The result document: layout, names, ISO times, sanitised metrics, shortest round-trip doubles.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "ktrdr/engine/result_json.h"
#include "synthetic.h"

using namespace ktrdr;

TEST_CASE("result JSON: header, config, 22 metrics, extended, trades, equity curve, timings") {
  test::Scripted s(100);
  s.buy(50);
  s.sell(60);
  s.buy(95);  // force-closed
  auto o = test::ktrdr_options();
  o.start_ns = s.bars.ts_ns.front();
  o.end_ns = s.bars.ts_ns.back();
  const auto r = engine::BacktestEngine(o).run(s.inputs()).result;
  engine::ResultHeader h;
  h.strategy_name = "scripted";
  h.symbol = "SYN";
  h.timeframe = "1h";
  h.start_date = "2024-01-01";
  h.end_date = "2024-01-05";
  h.execution_time_seconds = 1.25;
  h.phase_seconds.simulation = 0.5;
  const auto j = nlohmann::json::parse(engine::result_to_json(h, o, r, {2, true}));
  CHECK(j["strategy_name"] == "scripted");
  CHECK(j["mode"] == "ktrdr");
  CHECK(j["start_time"] == "2024-01-01T00:00:00Z");
  CHECK(j["config"]["position_fraction"] == 0.25);
  CHECK(j["config"]["initial_capital"] == 100000.0);
  CHECK(j["metrics"].size() == 22);
  CHECK(j["metrics"]["total_trades"].is_number_integer());
  CHECK(j["metrics"]["total_trades"] == 2);
  CHECK(j["metrics"]["profit_factor"].is_number_float());
  CHECK(j["extended"]["periods_per_year"] == 252);
  CHECK(j["extended"]["calendar"] == "weekdays");
  REQUIRE(j["trades"].size() == 2);
  const auto& t0 = j["trades"][0];
  CHECK(t0["side"] == "LONG");
  CHECK(t0["entry_time"] == "2024-01-03T03:00:00Z");
  CHECK(t0["entry_price"].get<double>() == r.trades[0].entry_price);  // round-trips exactly
  CHECK(t0["decision_metadata"]["confidence"].get<double>() == static_cast<double>(0.8f));
  CHECK(j["trades"][1]["decision_metadata"]["signal_type"] == "FORCE_CLOSE");
  CHECK(j["trades"][1]["decision_metadata"]["forced"] == true);
  REQUIRE(j["equity_curve"].size() == 50);
  CHECK(j["equity_curve"][0]["position"] == "FLAT");
  CHECK(j["equity_curve"][1]["position"] == "LONG");
  CHECK(j["equity_curve"][1]["portfolio_value"].get<double>() == r.equity_curve[1].portfolio_value);
  CHECK(j["execution_time_seconds"] == 1.25);
  CHECK(j["phase_seconds"]["simulation"] == 0.5);
  REQUIRE(j["decisions"].size() == 50);
  CHECK(j["decisions"][0]["signal"] == "BUY");
  CHECK(j["decisions"][0]["probs"]["BUY"].get<double>() == static_cast<double>(0.8f));
  CHECK(j["decisions"][0]["error"].is_null());
  CHECK_FALSE(nlohmann::json::parse(engine::result_to_json(h, o, r)).contains("decisions"));
}

TEST_CASE("result JSON sanitises metrics: inf -> 999999, NaN -> 0") {
  engine::BacktestResult r;
  r.metrics.profit_factor = INFINITY;
  r.metrics.calmar_ratio = -INFINITY;
  r.metrics.annualized_return = std::nan("");
  const auto j = nlohmann::json::parse(engine::result_to_json({}, engine::EngineOptions{}, r, {-1, false}));
  CHECK(j["metrics"]["profit_factor"] == 999999.0);
  CHECK(j["metrics"]["calmar_ratio"] == -999999.0);
  CHECK(j["metrics"]["annualized_return"] == 0.0);
  CHECK(j["start_time"].is_null());
  CHECK(j["mode"] == "corrected");
}
