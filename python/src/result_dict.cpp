#include "result_dict.h"

#include <cmath>
#include <string>

#include <pybind11/numpy.h>

#include "ktrdr/common/mode.h"
#include "ktrdr/common/time.h"
#include "ktrdr/decision/signal.h"
#include "ktrdr/metrics/performance_metrics.h"

namespace py = pybind11;

namespace ktrdr::python {
namespace {

// One numpy column of `n` values: get(i).
template <typename T, typename Get>
py::array_t<T> column(size_t n, Get get) {
  py::array_t<T> out(static_cast<py::ssize_t>(n));
  T* data = out.mutable_data();
  for (size_t i = 0; i < n; ++i) data[i] = get(i);
  return out;
}

py::dict named(const std::vector<metrics::NamedMetric>& values) {
  py::dict d;
  for (const auto& nm : values) {
    const std::string key(nm.name);
    if (nm.is_count) {
      d[key.c_str()] = static_cast<int64_t>(nm.value);
    } else {
      d[key.c_str()] = metrics::sanitize(nm.value);
    }
  }
  return d;
}

py::dict trades_columns(const std::vector<position::Trade>& trades) {
  const size_t n = trades.size();
  const auto& t = trades;
  py::dict c;
  c["trade_id"] = column<int64_t>(n, [&](size_t i) { return static_cast<int64_t>(t[i].trade_id); });
  py::list symbol, side;
  for (const auto& tr : t) {
    symbol.append(tr.symbol);
    side.append(std::string(decision::to_string(tr.side)));
  }
  c["symbol"] = symbol;
  c["side"] = side;
  c["entry_time"] = column<int64_t>(n, [&](size_t i) { return t[i].entry_ts_ns; });
  c["entry_price"] = column<double>(n, [&](size_t i) { return t[i].entry_price; });
  c["exit_time"] = column<int64_t>(n, [&](size_t i) { return t[i].exit_ts_ns; });
  c["exit_price"] = column<double>(n, [&](size_t i) { return t[i].exit_price; });
  c["quantity"] = column<int64_t>(n, [&](size_t i) { return t[i].quantity; });
  c["gross_pnl"] = column<double>(n, [&](size_t i) { return t[i].gross_pnl; });
  c["commission"] = column<double>(n, [&](size_t i) { return t[i].commission; });
  c["slippage"] = column<double>(n, [&](size_t i) { return t[i].slippage; });
  c["net_pnl"] = column<double>(n, [&](size_t i) { return t[i].net_pnl; });
  c["holding_period_hours"] = column<double>(n, [&](size_t i) { return t[i].holding_period_hours; });
  c["max_favorable_excursion"] = column<double>(n, [&](size_t i) { return t[i].max_favorable_excursion; });
  c["max_adverse_excursion"] = column<double>(n, [&](size_t i) { return t[i].max_adverse_excursion; });
  c["return_pct"] = column<double>(n, [&](size_t i) { return t[i].return_pct(); });
  c["confidence"] = column<double>(n, [&](size_t i) { return t[i].confidence.value_or(std::nan("")); });
  c["forced"] = column<bool>(n, [&](size_t i) { return t[i].forced; });
  return c;
}

py::dict equity_columns(const std::vector<metrics::EquityPoint>& curve) {
  const size_t n = curve.size();
  py::dict c;
  c["timestamp"] = column<int64_t>(n, [&](size_t i) { return curve[i].ts_ns; });
  c["price"] = column<double>(n, [&](size_t i) { return curve[i].price; });
  c["portfolio_value"] = column<double>(n, [&](size_t i) { return curve[i].portfolio_value; });
  c["position"] = column<uint8_t>(n, [&](size_t i) { return static_cast<uint8_t>(curve[i].position); });
  return c;
}

}  // namespace

py::dict result_to_dict(const runner::RunReport& report) {
  const engine::ResultHeader& h = report.header;
  const engine::EngineOptions& o = report.options;
  const engine::BacktestResult& r = report.result;
  const std::string mode(to_string(o.mode));
  py::dict d;
  d["strategy_name"] = h.strategy_name;
  d["symbol"] = h.symbol;
  d["timeframe"] = h.timeframe;
  d["start_date"] = h.start_date;
  d["end_date"] = h.end_date;
  d["start_time"] = o.start_ns ? py::object(py::str(format_iso_utc(*o.start_ns))) : py::object(py::none());
  d["end_time"] = o.end_ns ? py::object(py::str(format_iso_utc(*o.end_ns))) : py::object(py::none());
  d["mode"] = mode;
  py::dict config;
  config["initial_capital"] = o.costs.initial_capital;
  config["commission"] = o.costs.commission;
  config["slippage"] = o.costs.slippage;
  config["position_fraction"] = o.costs.position_fraction;
  config["start_date"] = h.start_date;
  config["end_date"] = h.end_date;
  config["warmup_bars"] = o.warmup_bars;
  config["mode"] = mode;
  config["symbol"] = h.symbol;
  config["timeframe"] = h.timeframe;
  d["config"] = config;
  d["metrics"] = named(metrics::named_metrics(r.metrics));
  py::dict extended = named(metrics::named_extended_metrics(r.extended));
  extended["calendar"] = std::string(metrics::calendar_name(r.extended));
  d["extended"] = extended;
  d["final_capital"] = r.final_capital;
  d["bars"] = r.bars;
  d["loop_bars"] = r.loop_bars;
  d["execution_time_seconds"] = h.execution_time_seconds;
  py::dict phases;
  phases["load"] = h.phase_seconds.load;
  phases["features"] = h.phase_seconds.features;
  phases["inference"] = h.phase_seconds.inference;
  phases["simulation"] = h.phase_seconds.simulation;
  phases["metrics"] = h.phase_seconds.metrics;
  d["phase_seconds"] = phases;
  d["trades"] = trades_columns(r.trades);
  d["equity_curve"] = equity_columns(r.equity_curve);
  return d;
}

}  // namespace ktrdr::python
