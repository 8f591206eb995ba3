// _core.run(): one backtest in this process through the engine's runner (ktrdr/runner/backtest_runner.h),
// bars from CSV files (data_dir) or from Bars objects built from DataFrame columns. The GIL is released while
// the engine runs; the progress hook takes it back to call the Python callback and to see Ctrl-C.
#include <atomic>
#include <map>
#include <optional>
#include <string>

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bar_columns.h"
#include "bindings.h"
#include "ktrdr/common/error.h"
#include "ktrdr/config/model_bundle.h"
#include "ktrdr/data/ohlcv_loader.h"
#include "ktrdr/decision/signal.h"
#include "ktrdr/runner/backtest_runner.h"
#include "ktrdr/runner/run_data.h"
#include "result_dict.h"

namespace py = pybind11;

namespace ktrdr::python {
namespace {

template <typename T>
using Column = py::array_t<T, py::array::c_style | py::array::forcecast>;

template <typename T>
std::span<const T> span_of(const Column<T>& a) {
  return {a.data(), static_cast<size_t>(a.size())};
}

template <typename T>
py::array_t<T> copy_column(const std::vector<T>& v) {
  return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());
}

py::dict progress_dict(const engine::ProgressSnapshot& p) {
  py::dict d;
  d["bars_done"] = p.bars_done;
  d["bars_total"] = p.bars_total;
  d["bar_index"] = p.bar_index;
  d["current_ts_ns"] = p.current_ts_ns;
  d["percentage"] = p.percentage;
  d["equity"] = p.equity;
  d["pnl"] = p.pnl;
  d["trades"] = p.trades;
  d["win_rate"] = p.win_rate;
  d["bars_per_second"] = p.bars_per_second;
  d["eta_seconds"] = p.eta_seconds;
  return d;
}

}  // namespace

Mode parse_mode_arg(const std::string& text) {
  const std::optional<Mode> mode = parse_mode(text);
  KTRDR_REQUIRE(mode.has_value(), "mode '{}' is unknown: use ktrdr or corrected", text);
  return *mode;
}

namespace {

// The keyword arguments of ktrdr_backtest.run() that map onto the request (None = the engine's default).
struct RunArgs {
  std::string model_dir;
  std::optional<std::string> data_dir;
  std::map<std::string, BarSeries> bars;  // timeframe ("" = the run's timeframe) -> bars
  std::string symbol, timeframe, start, end;
  std::optional<std::string> mode;
  std::optional<double> capital, commission, slippage, position_fraction;
};

runner::BacktestRequest make_request(const RunArgs& a) {
  runner::BacktestRequest req;
  req.model_dir = a.model_dir;
  req.data_dir = a.data_dir.value_or("");
  req.symbol = a.symbol;
  req.timeframe = a.timeframe;
  req.start_date = a.start;
  req.end_date = a.end;
  if (a.mode) req.mode = parse_mode_arg(*a.mode);
  if (a.capital) req.costs.initial_capital = *a.capital;
  if (a.commission) req.costs.commission = *a.commission;
  if (a.slippage) req.costs.slippage = *a.slippage;
  if (a.position_fraction) req.costs.position_fraction = *a.position_fraction;
  return req;
}

// Takes the bars out of `a`.
runner::BarLoader make_loader(RunArgs& a, const runner::BacktestRequest& req) {
  if (a.data_dir) {
    KTRDR_REQUIRE(a.bars.empty(), "pass either a data directory or bars, not both");
    return runner::csv_bar_loader(*a.data_dir);
  }
  KTRDR_REQUIRE(!a.bars.empty(), "no data: pass a DataFrame, a dict of DataFrames by timeframe, or a path");
  std::map<std::string, BarSeries> bars = std::move(a.bars);
  if (auto it = bars.find(""); it != bars.end()) {  // one series: it is the run's timeframe
    const std::string tf = !req.timeframe.empty()
                               ? req.timeframe
                               : runner::default_timeframe(config::load_model_bundle(req.model_dir));
    KTRDR_REQUIRE(!bars.count(tf), "bars given twice for timeframe {}", tf);
    BarSeries one = std::move(it->second);
    bars.erase(it);
    bars.emplace(tf, std::move(one));
  }
  return runner::memory_bar_loader(std::move(bars), "DataFrame");
}

py::dict run(RunArgs args, const std::optional<py::function>& progress) {
  runner::BacktestRequest req = make_request(args);
  const runner::BarLoader loader = make_loader(args, req);

  std::atomic<bool> cancel{false};
  std::optional<py::error_already_set> pending;  // a Python exception raised in the hook (callback, Ctrl-C)
  runner::RunHooks hooks;
  hooks.cancel = &cancel;
  hooks.on_progress = [&](const engine::ProgressSnapshot& p) {
    py::gil_scoped_acquire gil;
    if (pending) return;
    try {
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      if (progress) (*progress)(progress_dict(p));
    } catch (py::error_already_set& e) {
      pending.emplace(std::move(e));
      cancel.store(true);
    }
  };
  req.progress_every_bars = 10000;  // a GIL round trip per 10 000 bars: ~1 ms of engine work

  runner::ReportOutcome out;
  {
    py::gil_scoped_release release;
    out = runner::run_backtest_report(req, loader, hooks);
  }
  if (pending) throw std::move(*pending);
  KTRDR_REQUIRE(out.status == runner::RunOutcome::Status::kCompleted, "the run was cancelled");
  return result_to_dict(out.report);
}

}  // namespace

void register_run(py::module_& m) {
  py::class_<BarSeries>(m, "Bars",
                        "OHLCV bars in the engine's layout, checked as the CSV loader checks a file")
      .def(py::init([](const Column<int64_t>& ts_ns, const Column<double>& open, const Column<double>& high,
                       const Column<double>& low, const Column<double>& close, const Column<double>& volume,
                       const std::string& origin) {
             return bars_from_columns({span_of(ts_ns), span_of(open), span_of(high), span_of(low),
                                       span_of(close), span_of(volume)},
                                      origin);
           }),
           py::arg("ts_ns"), py::arg("open"), py::arg("high"), py::arg("low"), py::arg("close"),
           py::arg("volume"), py::arg("origin") = "DataFrame")
      .def_static(
          "from_csv", [](const std::string& path) { return load_ohlcv_csv(path); }, py::arg("path"),
          "Parses one OHLCV CSV file (the CLI's loader)")
      .def("__len__", &BarSeries::size)
      .def_property_readonly("ts_ns", [](const BarSeries& b) { return copy_column(b.ts_ns); })
      .def_property_readonly("open", [](const BarSeries& b) { return copy_column(b.open); })
      .def_property_readonly("high", [](const BarSeries& b) { return copy_column(b.high); })
      .def_property_readonly("low", [](const BarSeries& b) { return copy_column(b.low); })
      .def_property_readonly("close", [](const BarSeries& b) { return copy_column(b.close); })
      .def_property_readonly("volume", [](const BarSeries& b) { return copy_column(b.volume); });

  m.def(
      "parse_timestamps",
      [](const std::vector<std::string>& texts, const std::string& origin) {
        return copy_column(parse_timestamp_texts(texts, origin));
      },
      py::arg("texts"), py::arg("origin") = "DataFrame",
      "Timestamp texts -> int64 ns UTC, parsed as the CSV loader does (ISO-8601 or YYYY-MM-DD, naive = UTC)");

  m.def(
      "run",
      [](std::string model_dir, std::optional<std::string> data_dir, std::map<std::string, BarSeries> bars,
         std::string symbol, std::string timeframe, std::string start, std::string end,
         std::optional<std::string> mode, std::optional<double> capital, std::optional<double> commission,
         std::optional<double> slippage, std::optional<double> position_fraction,
         std::optional<py::function> progress) {
        RunArgs a{std::move(model_dir),
                  std::move(data_dir),
                  std::move(bars),
                  std::move(symbol),
                  std::move(timeframe),
                  std::move(start),
                  std::move(end),
                  std::move(mode),
                  capital,
                  commission,
                  slippage,
                  position_fraction};
        return run(std::move(a), progress);
      },
      py::arg("model_dir"), py::kw_only(), py::arg("data_dir") = py::none(),
      py::arg("bars") = std::map<std::string, BarSeries>{}, py::arg("symbol") = "", py::arg("timeframe") = "",
      py::arg("start") = "", py::arg("end") = "", py::arg("mode") = py::none(),
      py::arg("capital") = py::none(), py::arg("commission") = py::none(), py::arg("slippage") = py::none(),
      py::arg("position_fraction") = py::none(), py::arg("progress") = py::none(),
      "One backtest through the engine's runner; returns the result as a dict of values and numpy columns");

  const runner::BacktestRequest defaults;
  py::dict d;
  d["mode"] = std::string(to_string(defaults.mode));
  d["capital"] = defaults.costs.initial_capital;
  d["commission"] = defaults.costs.commission;
  d["slippage"] = defaults.costs.slippage;
  d["position_fraction"] = defaults.costs.position_fraction;
  m.attr("DEFAULTS") = d;
  static_assert(static_cast<int>(decision::PositionSide::kFlat) == 0 &&
                static_cast<int>(decision::PositionSide::kLong) == 1 &&
                static_cast<int>(decision::PositionSide::kShort) == 2);
  py::list names;
  for (auto side :
       {decision::PositionSide::kFlat, decision::PositionSide::kLong, decision::PositionSide::kShort})
    names.append(std::string(decision::to_string(side)));
  m.attr("POSITION_NAMES") = names;  // equity "position" code -> name
}

}  // namespace ktrdr::python
