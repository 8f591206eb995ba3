#include "ktrdr/engine/result_json.h"

#include <cmath>
#include <iterator>

#include <fmt/compile.h>
#include <fmt/format.h>

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

// Python-repr-like shortest round-trip text of a double ("100000.0", "1.1", "1e-07").
void append_double(std::string& out, double v) {
  if (!std::isfinite(v)) {  // as nlohmann::json: not representable in JSON
    out += "null";
    return;
  }
  const size_t start = out.size();
  fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}"), v);
  if (out.find_first_of(".en", start) == std::string::npos) out += ".0";
}

// The equity curve is by far the largest part of the document (one point per bar): appended directly to
// the output instead of going through a JSON DOM (~4 us per point there).
void append_equity_curve(std::string& out, const std::vector<metrics::EquityPoint>& curve, int indent) {
  std::string item_pad, close_pad;
  if (indent >= 0) {
    item_pad.assign(static_cast<size_t>(2 * indent) + 1, ' ');
    item_pad[0] = '\n';
    close_pad.assign(static_cast<size_t>(indent) + 1, ' ');
    close_pad[0] = '\n';
  }
  const char* sep = indent < 0 ? ":" : ": ";
  out += '[';
  for (size_t i = 0; i < curve.size(); ++i) {
    const auto& e = curve[i];
    if (i) out += ',';
    out += item_pad;
    out += "{\"timestamp\"";
    out += sep;
    out += '"';
    out += format_iso_utc(e.ts_ns);
    out += "\",\"price\"";
    out += sep;
    append_double(out, e.price);
    out += ",\"portfolio_value\"";
    out += sep;
    append_double(out, e.portfolio_value);
    out += ",\"position\"";
    out += sep;
    out += '"';
    out += decision::to_string(e.position);
    out += "\"}";
  }
  if (!curve.empty()) out += close_pad;
  out += ']';
}

constexpr const char* kEquityPlaceholder = "__ktrdr_equity_curve__";

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
  j["equity_curve"] = kEquityPlaceholder;  // spliced in below
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
  const int indent = jo.indent < 0 ? -1 : jo.indent;
  const std::string doc = j.dump(indent);
  const std::string quoted = fmt::format("\"{}\"", kEquityPlaceholder);
  const size_t at = doc.rfind(quoted);
  std::string text;
  text.reserve(doc.size() + r.equity_curve.size() * (indent < 0 ? 90 : 100) + 64);
  text.append(doc, 0, at);
  append_equity_curve(text, r.equity_curve, indent);
  text.append(doc, at + quoted.size(), std::string::npos);
  return text;
}

}  // namespace ktrdr::engine
