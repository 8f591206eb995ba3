// `ktrdr-backtest run`: the whole pipeline in-process (embedded mode, no daemons).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include "commands.h"
#include "ktrdr/cli/trading_options.h"
#include "machine_options.h"
#include "ktrdr/common/error.h"
#include "ktrdr/common/file_io.h"
#include "ktrdr/common/log.h"
#include "ktrdr/common/time.h"
#include "ktrdr/report/result_csv.h"
#include "ktrdr/report/summary_table.h"
#include "ktrdr/runner/backtest_runner.h"

namespace po = boost::program_options;

namespace ktrdr::cli {
namespace {

// A one-line progress bar on stderr, redrawn at most 10 times a second.
class ProgressBar {
 public:
  void update(const engine::ProgressSnapshot& p) {
    const auto now = std::chrono::steady_clock::now();
    if (p.percentage < 100.0 && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(p.percentage / 100.0 * kWidth);
    std::string bar(static_cast<size_t>(std::clamp(filled, 0, kWidth)), '#');
    bar.resize(kWidth, '.');
    fmt::print(stderr, "\r[{}] {:5.1f}%  {}  equity {:.2f}  trades {}  {:.2f} M bars/s ", bar, p.percentage,
               format_iso_utc(p.current_ts_ns).substr(0, 16), p.equity, p.trades, p.bars_per_second / 1e6);
    drawn_ = true;
  }
  void finish() {
    if (drawn_) fmt::print(stderr, "\n");
  }

 private:
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;
};

}  // namespace

int run_command(int argc, char** argv) {
  runner::BacktestRequest req;
  std::string output, trades_csv, equity_csv;
  bool quiet = false;
  po::options_description desc(
      "usage: ktrdr-backtest run --model DIR --data-dir DIR [options]\n\n"
      "Backtests a reference model directory (metadata_v3.json, config.json, features.json, model.pt)\n"
      "on {data-dir}/{symbol}_{timeframe}.csv in this process and prints a summary.\n\nOptions");
  desc.add_options()                                                                                       //
      ("help,h", "show this help")                                                                         //
      ("model", po::value(&req.model_dir)->required(), "model directory (required)")                       //
      ("data-dir", po::value(&req.data_dir)->required(), "directory with SYMBOL_TF.csv files (required)")  //
      ("symbol", po::value(&req.symbol), "symbol (default: the model's first training symbol)")            //
      ("timeframe", po::value(&req.timeframe), "base timeframe, e.g. 1h (default: the model's)")           //
      ("start", po::value(&req.start_date),
       "first bar, YYYY-MM-DD or ISO-8601, inclusive, naive = UTC (default: first bar)")        //
      ("end", po::value(&req.end_date), "last bar, same forms, inclusive (default: last bar)")  //
      ("mode", mode_value(&req.mode, Mode::kCorrected),
       "ktrdr (reproduce the reference, as-is behaviours included) or corrected (see docs/modes.md)")  //
      ("output,o", po::value(&output), "write the full result JSON here")                              //
      ("trades-csv", po::value(&trades_csv), "write the closed trades as CSV here")                    //
      ("equity-csv", po::value(&equity_csv), "write the equity curve as CSV here")                     //
      ("quiet,q", po::bool_switch(&quiet), "no progress bar and no summary");
  add_trading_costs_options(desc, req.costs);
  MachineOptions machine;
  machine.add_to(desc);
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    if (vm.count("help")) {
      std::cout << desc << "\n";
      return 0;
    }
    po::notify(vm);
    machine.validate();
  } catch (const po::error& e) {
    log::error("run: {} (ktrdr-backtest run --help)", e.what());
    return 2;
  } catch (const Error& e) {
    log::error("run: {} (ktrdr-backtest run --help)", e.what());
    return 2;
  }
  const std::unique_ptr<BarCache> cache = machine.make_cache();
  req.threads = machine.threads;
  req.bar_cache = cache.get();

  ProgressBar bar;
  runner::RunHooks hooks;
  if (!quiet && ::isatty(STDERR_FILENO) == 1) {
    req.progress_every_bars = 2000;
    hooks.on_progress = [&bar](const engine::ProgressSnapshot& p) { bar.update(p); };
  }
  const runner::RunOutcome outcome = runner::run_backtest(req, hooks);
  bar.finish();
  KTRDR_REQUIRE(outcome.status == runner::RunOutcome::Status::kCompleted, "the run did not complete");

  if (!output.empty()) write_file_atomically(output, outcome.result_json);
  if (!trades_csv.empty()) write_file_atomically(trades_csv, report::trades_csv(outcome.result_json));
  if (!equity_csv.empty()) write_file_atomically(equity_csv, report::equity_csv(outcome.result_json));
  if (!quiet) std::cout << report::render_summary_table(outcome.result_json);
  return 0;
}

}  // namespace ktrdr::cli
