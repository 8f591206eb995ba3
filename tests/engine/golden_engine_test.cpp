// The engine on the golden cases, without torch: the expected per-bar probabilities stand in for the model.
#include <doctest/doctest.h>

#include <string>

#include "golden_case.h"
#include "ktrdr/engine/result_json.h"
#include "ktrdr/metrics/performance_metrics.h"
#include "support/near.h"

using namespace ktrdr;

namespace {

// 1e-9 relative + 1e-9 absolute; a failure prints both values in full.
test::Closeness near9(double got, double want) {
  return test::near(got, want, 1e-9, 1e-9);
}

void check_case(const std::string& name) {
  INFO("case " << name);
  const test::GoldenEngineCase g = test::load_golden_engine_case(name);
  const engine::BacktestEngine eng(g.options);
  const engine::EngineOutcome out = eng.run(g.inputs());
  REQUIRE(out.status == engine::EngineOutcome::Status::kCompleted);
  const engine::BacktestResult& r = out.result;
  const auto& ex = g.expected;

  // decisions: signals exact, confidence exact (the probabilities are the inputs)
  const auto& ed = ex["decisions"];
  REQUIRE(r.decisions.size() == ed.size());
  int decision_mismatch = 0;
  for (size_t i = 0; i < ed.size(); ++i) {
    const auto& d = r.decisions[i];
    const bool ok = std::string(decision::to_string(d.signal)) == ed[i]["signal"].get<std::string>() &&
                    std::string(decision::to_string(d.position)) == ed[i]["position"].get<std::string>() &&
                    d.confidence == ed[i]["confidence"].get<double>();
    if (!ok && decision_mismatch++ < 3) {
      FAIL_CHECK("decision " << i << " " << ed[i].dump() << " got " << decision::to_string(d.signal) << " "
                             << decision::to_string(d.position) << " " << d.confidence);
    }
  }
  CHECK(decision_mismatch == 0);

  // trades
  const auto& et = ex["trades"];
  REQUIRE(r.trades.size() == et.size());
  for (size_t i = 0; i < et.size(); ++i) {
    const auto& t = r.trades[i];
    const auto& e = et[i];
    INFO("trade " << i << " " << e.dump());
    CHECK(t.trade_id == e["trade_id"].get<uint64_t>());
    CHECK(std::string(decision::to_string(t.side)) == e["side"].get<std::string>());
    CHECK(format_iso_utc(t.entry_ts_ns) == e["entry_time"].get<std::string>());
    CHECK(format_iso_utc(t.exit_ts_ns) == e["exit_time"].get<std::string>());
    CHECK(t.quantity == e["quantity"].get<int64_t>());
    for (const char* k : {"entry_price", "exit_price", "gross_pnl", "commission", "slippage", "net_pnl",
                          "holding_period_hours", "max_favorable_excursion", "max_adverse_excursion"}) {
      const double got = std::string(k) == "entry_price"               ? t.entry_price
                         : std::string(k) == "exit_price"              ? t.exit_price
                         : std::string(k) == "gross_pnl"               ? t.gross_pnl
                         : std::string(k) == "commission"              ? t.commission
                         : std::string(k) == "slippage"                ? t.slippage
                         : std::string(k) == "net_pnl"                 ? t.net_pnl
                         : std::string(k) == "holding_period_hours"    ? t.holding_period_hours
                         : std::string(k) == "max_favorable_excursion" ? t.max_favorable_excursion
                                                                       : t.max_adverse_excursion;
      INFO(k << " got " << got << " want " << e[k].get<double>());
      CHECK(near9(got, e[k].get<double>()));
    }
    const auto& meta = e["decision_metadata"];
    if (meta.contains("forced")) {
      CHECK(t.forced);
    } else {
      REQUIRE(t.confidence.has_value());
      CHECK(*t.confidence == meta["confidence"].get<double>());
    }
  }

  // equity curve: every point
  const auto& ee = ex["equity_curve"];
  REQUIRE(r.equity_curve.size() == ee.size());
  int eq_mismatch = 0;
  for (size_t i = 0; i < ee.size(); ++i) {
    const auto& p = r.equity_curve[i];
    const bool ok = format_iso_utc(p.ts_ns) == ee[i]["timestamp"].get<std::string>() &&
                    p.price == ee[i]["price"].get<double>() &&
                    near9(p.portfolio_value, ee[i]["portfolio_value"].get<double>()) &&
                    std::string(decision::to_string(p.position)) == ee[i]["position"].get<std::string>();
    if (!ok && eq_mismatch++ < 3) {
      FAIL_CHECK("equity point " << i << " " << ee[i].dump() << " got " << p.portfolio_value << " "
                                 << decision::to_string(p.position));
    }
  }
  CHECK(eq_mismatch == 0);

  // the 22 metrics
  const auto& em = ex["metrics"];
  const auto named = metrics::named_metrics(r.metrics);
  REQUIRE(named.size() == 22);
  REQUIRE(em.size() == 22);
  for (const auto& nm : named) {
    const std::string key(nm.name);
    REQUIRE(em.contains(key));
    INFO("metric " << key << " got " << nm.value << " want " << em[key].dump());
    CHECK(near9(metrics::sanitize(nm.value), em[key].get<double>()));
  }
  CHECK(near9(r.final_capital, ex["final"]["capital"].get<double>()));
  CHECK(r.equity_curve.size() == ex["final"]["equity_points"].get<size_t>());

  // the result JSON carries the same numbers
  engine::ResultHeader h;
  h.symbol = g.options.symbol;
  h.timeframe = g.info.timeframe;
  const auto j = nlohmann::json::parse(engine::result_to_json(h, g.options, r));
  for (auto it = em.begin(); it != em.end(); ++it) {
    INFO("json metric " << it.key());
    CHECK(near9(j["metrics"][it.key()].get<double>(), it.value().get<double>()));
  }
  REQUIRE(j["trades"].size() == et.size());
  for (size_t i = 0; i < et.size(); ++i) {
    for (const char* k : {"side", "entry_time", "exit_time"}) CHECK(j["trades"][i][k] == et[i][k]);
    CHECK(j["trades"][i]["quantity"] == et[i]["quantity"]);
    CHECK(near9(j["trades"][i]["net_pnl"].get<double>(), et[i]["net_pnl"].get<double>()));
  }
  REQUIRE(j["equity_curve"].size() == ee.size());
  CHECK(j["equity_curve"].back()["timestamp"] == ee.back()["timestamp"]);
  CHECK(j["equity_curve"].back()["position"] == ee.back()["position"]);
}

}  // namespace

TEST_CASE("golden v1_bench12: trades, equity curve and metrics match ktrdr (mode ktrdr)") {
  check_case("v1_bench12");
}

TEST_CASE("golden v2_macd_roc_raw: trades, equity curve and metrics match ktrdr (mode ktrdr)") {
  check_case("v2_macd_roc_raw");
}
