#include "ktrdr/engine/result_json.h"

#include <nlohmann/json.hpp>

#include "ktrdr/common/time.h"

namespace ktrdr::engine {
namespace {

using Json = nlohmann::ordered_json;

Json opt_number(const std::optional<double>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json metrics_json(const metrics::PerformanceMetrics& m) {
  Json j = Json::object();
  for (const auto& nm : metrics::named_metrics(m)) {
    if (nm.is_count) {
      j[std::string(nm.name)] = static_cast<int64_t>(nm.value);
    } else {
      j[std::string(nm.name)] = metrics::sanitize(nm.value);
    }
  }
  return j;
}

Json extended_json(const metrics::ExtendedMetrics& x) {
  using metrics::sanitize;
  Json j = Json::object();
  j["cagr"] = sanitize(x.cagr);
  j["annualized_volatility"] = sanitize(x.annualized_volatility);
  j["sharpe_ratio"] = sanitize(x.sharpe_ratio);
  j["sortino_ratio"] = sanitize(x.sortino_ratio);
  j["periods_per_year"] = x.periods_per_year;
  j["calendar"] = x.weekend_data ? "all_days" : "weekdays";
  j["trading_days"] = x.trading_days;
  j["max_drawdown_duration_days"] = sanitize(x.max_drawdown_duration_days);
  j["exposure_pct"] = sanitize(x.exposure_pct);
  j["buy_and_hold_return_pct"] = sanitize(x.buy_and_hold_return_pct);
  j["expectancy"] = sanitize(x.expectancy);
  j["sqn"] = sanitize(x.sqn);
  return j;
}

Json trade_json(const position::Trade& t) {
  Json j = Json::object();
  j["trade_id"] = t.trade_id;
  j["symbol"] = t.symbol;
  j["side"] = decision::to_string(t.side);
  j["entry_price"] = t.entry_price;
  j["entry_time"] = format_iso_utc(t.entry_ts_ns);
  j["exit_price"] = t.exit_price;
  j["exit_time"] = format_iso_utc(t.exit_ts_ns);
  j["quantity"] = t.quantity;
  j["gross_pnl"] = t.gross_pnl;
  j["commission"] = t.commission;
  j["slippage"] = t.slippage;
  j["net_pnl"] = t.net_pnl;
  j["holding_period_hours"] = t.holding_period_hours;
  j["max_favorable_excursion"] = t.max_favorable_excursion;
  j["max_adverse_excursion"] = t.max_adverse_excursion;
  j["return_pct"] = t.return_pct();
  Json meta = Json::object();
  if (t.forced) {
    meta["signal_type"] = "FORCE_CLOSE";
    meta["reason"] = "End of backtest period";
    meta["forced"] = true;
  } else {
    meta["confidence"] = opt_number(t.confidence);
  }
  j["decision_metadata"] = std::move(meta);
  return j;
}

Json decision_json(const DecisionRecord& d) {
  Json j = Json::object();
  j["timestamp"] = format_iso_utc(d.ts_ns);
  j["bar_index"] = d.bar_index;
  j["position"] = decision::to_string(d.position);
  j["signal"] = decision::to_string(d.signal);
  const bool error = d.error != decision::DecisionError::kNone;
  j["raw_signal"] = error ? Json(nullptr) : Json(decision::to_string(d.raw_signal));
  j["confidence"] = d.confidence;
  Json probs = Json::object();
  if (!error) {
    probs["BUY"] = d.probs[0];
    probs["HOLD"] = d.probs[1];
    probs["SELL"] = d.probs[2];
  }
  j["probs"] = std::move(probs);
  if (d.predicted_return) j["predicted_return"] = *d.predicted_return;
  switch (d.error) {
    case decision::DecisionError::kNone:
      j["error"] = nullptr;
      break;
    case decision::DecisionError::kNanConfidence:
      j["error"] = "nan_confidence";
      break;
    case decision::DecisionError::kInference:
      j["error"] = "inference_error";
      break;
  }
  return j;
}

}  // namespace

std::string result_to_json(const ResultHeader& h, const EngineOptions& o, const BacktestResult& r,
                           const ResultJsonOptions& jo) {
  Json j = Json::object();
  j["strategy_name"] = h.strategy_name;
  j["symbol"] = h.symbol;
  j["timeframe"] = h.timeframe;
  j["start_date"] = h.start_date;
  j["end_date"] = h.end_date;
  j["start_time"] = o.start_ns ? Json(format_iso_utc(*o.start_ns)) : Json(nullptr);
  j["end_time"] = o.end_ns ? Json(format_iso_utc(*o.end_ns)) : Json(nullptr);
  j["mode"] = position::to_string(o.mode);
  Json cfg = Json::object();
  cfg["initial_capital"] = o.initial_capital;
  cfg["commission"] = o.commission;
  cfg["slippage"] = o.slippage;
  cfg["position_fraction"] = o.position_fraction;
  cfg["start_date"] = h.start_date;
  cfg["end_date"] = h.end_date;
  cfg["warmup_bars"] = o.warmup_bars;
  cfg["mode"] = position::to_string(o.mode);
  cfg["symbol"] = h.symbol;
  cfg["timeframe"] = h.timeframe;
  j["config"] = std::move(cfg);
  j["metrics"] = metrics_json(r.metrics);
  j["extended"] = extended_json(r.extended);
  j["trade_count"] = r.trades.size();
  j["equity_curve_length"] = r.equity_curve.size();
  j["final_capital"] = r.final_capital;
  j["bars"] = r.bars;
  j["loop_bars"] = r.loop_bars;
  Json trades = Json::array();
  for (const auto& t : r.trades) trades.push_back(trade_json(t));
  j["trades"] = std::move(trades);
  Json curve = Json::array();
  for (const auto& e : r.equity_curve) {
    Json p = Json::object();
    p["timestamp"] = format_iso_utc(e.ts_ns);
    p["price"] = e.price;
    p["portfolio_value"] = e.portfolio_value;
    p["position"] = decision::to_string(e.position);
    curve.push_back(std::move(p));
  }
  j["equity_curve"] = std::move(curve);
  j["execution_time_seconds"] = h.execution_time_seconds;
  Json phases = Json::object();
  phases["load"] = h.phase_seconds.load;
  phases["features"] = h.phase_seconds.features;
  phases["inference"] = h.phase_seconds.inference;
  phases["simulation"] = h.phase_seconds.simulation;
  phases["metrics"] = h.phase_seconds.metrics;
  j["phase_seconds"] = std::move(phases);
  if (jo.include_decisions) {
    Json ds = Json::array();
    for (const auto& d : r.decisions) ds.push_back(decision_json(d));
    j["decisions"] = std::move(ds);
  }
  return j.dump(jo.indent < 0 ? -1 : jo.indent);
}

}  // namespace ktrdr::engine
