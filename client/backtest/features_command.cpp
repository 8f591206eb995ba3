// `ktrdr-backtest features`: a strategy's or model's feature matrix as CSV (for checking against the
// reference).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include "commands.h"
#include "ktrdr/cli/trading_options.h"
#include "ktrdr/common/thread_pool.h"
#include "machine_options.h"
#include "ktrdr/common/error.h"
#include "ktrdr/common/log.h"
#include "ktrdr/common/time.h"
#include "ktrdr/config/model_bundle.h"
#include "ktrdr/config/strategy_config.h"
#include "ktrdr/data/ohlcv_loader.h"
#include "ktrdr/features/feature_frame.h"

namespace po = boost::program_options;

namespace ktrdr::cli {

namespace {

constexpr const char* kUsage =
    "usage: ktrdr-backtest features (--strategy FILE.yaml | --model DIR) --data-dir DIR\n"
    "                               [--symbol S] [--timeframe TF] [--start D] [--end D]\n"
    "                               [--mode ktrdr|corrected] [--indicators] [--strict] --output F.csv\n"
    "\n"
    "Computes every model input (indicators -> fuzzy memberships / raw values -> multi-timeframe alignment)\n"
    "on local OHLCV data and writes one CSV row per bar of the base timeframe.\n";

struct UsageError : Error {
  using Error::Error;
};

po::options_description make_options(MachineOptions& machine) {
  po::options_description opts("Options");
  // clang-format off
  opts.add_options()
      ("help,h", "show this help and exit")
      ("strategy", po::value<std::string>()->value_name("FILE.yaml"),
       "strategy YAML v3 to compute; features come out in its nn_inputs order (give this or --model)")
      ("model", po::value<std::string>()->value_name("DIR"),
       "model directory (metadata_v3.json, config.json, features.json); features come out in the model's "
       "resolved_features order, raw features normalised with its normalization_params")
      ("data-dir", po::value<std::string>()->value_name("DIR"),
       "directory holding {SYMBOL}_{TF}.csv files (required)")
      ("symbol", po::value<std::string>()->value_name("S"),
       "symbol to load; default: the model's first training symbol / the strategy's first symbol")
      ("timeframe", po::value<std::string>()->value_name("TF"),
       "base timeframe (rows of the output); default: the model's / strategy's base timeframe. Every other "
       "timeframe of a multi-timeframe strategy is loaded too and aligned onto it. For a single-timeframe "
       "--strategy any timeframe may be given")
      ("start", po::value<std::string>()->value_name("D"),
       "first bar, inclusive: YYYY-MM-DD or ISO date-time, naive = UTC (default: start of the file)")
      ("end", po::value<std::string>()->value_name("D"),
       "last bar, inclusive: YYYY-MM-DD (= 00:00 of that day) or ISO date-time (default: end of the file)")
      ("mode", mode_value(nullptr, Mode::kKtrdr),
       "multi-timeframe alignment: ktrdr = the reference (as-of on bar-open stamps, warm-up NaN back-filled "
       "from the future); corrected = a higher-timeframe bar is used only once it has closed, no back-fill")
      ("indicators", "also write every indicator column of the base timeframe after the features "
                     "(e.g. 1h_rsi_14, 1h_adx_14.adx, ..., 1h_adx_14)")
      ("strict", "unknown indicator parameters are errors instead of warnings")
      ("output,o", po::value<std::string>()->value_name("F.csv"),
       "CSV to write (required; '-' = stdout): timestamp (ISO UTC), features, [indicators]; numbers with 17 "
       "significant digits, NaN as an empty cell");
  // clang-format on
  machine.add_to(opts);
  return opts;
}

std::string required(const po::variables_map& vm, const char* key) {
  if (!vm.count(key)) throw UsageError(fmt::format("--{} is required", key));
  return vm[key].as<std::string>();
}

std::optional<std::string> optional(const po::variables_map& vm, const char* key) {
  if (!vm.count(key)) return std::nullopt;
  return vm[key].as<std::string>();
}

void append_number(std::string& out, double v) {
  if (std::isnan(v)) return;  // NaN: empty cell
  fmt::format_to(std::back_inserter(out), "{:.17g}", v);
}

void write_csv(std::ostream& out, const features::FeatureFrame& frame, bool with_indicators) {
  std::string line = "timestamp";
  for (const auto& n : frame.names) line += "," + n;
  if (with_indicators) {
    for (const auto& n : frame.indicator_names) line += "," + n;
  }
  line += "\n";
  out << line;
  for (size_t i = 0; i < frame.rows(); ++i) {
    line = format_iso_utc(frame.ts_ns[i]);
    for (const auto& col : frame.columns) {
      line += ',';
      append_number(line, col[i]);
    }
    if (with_indicators) {
      for (const auto& col : frame.indicator_columns) {
        line += ',';
        append_number(line, col[i]);
      }
    }
    line += '\n';
    out << line;
  }
}

int run(const po::variables_map& vm, const MachineOptions& machine) {
  const bool has_strategy = vm.count("strategy") > 0;
  const bool has_model = vm.count("model") > 0;
  if (has_strategy == has_model) throw UsageError("give exactly one of --strategy FILE.yaml and --model DIR");
  const std::string data_dir = required(vm, "data-dir");
  const std::string output = required(vm, "output");
  features::FeatureOptions options;
  options.mode = vm["mode"].as<Mode>();
  try {
    machine.validate();
  } catch (const Error& e) {
    throw UsageError(e.what());
  }
  ThreadPool pool(machine.threads);
  const std::unique_ptr<BarCache> cache = machine.make_cache();
  options.pool = &pool;
  options.include_indicators = vm.count("indicators") > 0;
  options.strict = vm.count("strict") > 0;
  DataRange range;
  try {
    if (auto s = optional(vm, "start")) range.start_ns = parse_timestamp_ns(*s, "--start");
    if (auto e = optional(vm, "end")) range.end_ns = parse_timestamp_ns(*e, "--end");
  } catch (const Error& e) {
    throw UsageError(e.what());
  }
  if (range.start_ns && range.end_ns && *range.start_ns > *range.end_ns) {
    throw UsageError(fmt::format("--start {} is after --end {}", format_iso_utc(*range.start_ns),
                                 format_iso_utc(*range.end_ns)));
  }

  config::StrategyConfig strategy;
  std::vector<std::string> expected;
  std::map<std::string, config::NormalizationParams> normalization;
  std::string origin;
  if (has_model) {
    origin = vm["model"].as<std::string>();
    config::ModelBundleInfo info = config::load_model_bundle(origin);
    strategy = std::move(info.strategy);
    expected = std::move(info.resolved_features);
    normalization = std::move(info.normalization_params);
  } else {
    origin = vm["strategy"].as<std::string>();
    strategy = config::load_strategy_yaml(origin, options.strict);
  }
  for (const auto& w : strategy.warnings) log::warn("{}", w);

  std::string symbol;
  if (auto s = optional(vm, "symbol")) {
    symbol = *s;
  } else if (!strategy.symbols.empty()) {
    symbol = strategy.symbols.front();
  } else {
    throw UsageError(fmt::format("{} names no symbol; give --symbol", origin));
  }
  std::string base = strategy.base_timeframe.empty() ? strategy.timeframes.front() : strategy.base_timeframe;
  if (auto tf = optional(vm, "timeframe")) {
    const bool known =
        std::find(strategy.timeframes.begin(), strategy.timeframes.end(), *tf) != strategy.timeframes.end();
    if (!known && has_strategy && strategy.timeframes.size() == 1) {
      strategy.timeframes = {*tf};  // a single-timeframe strategy may run on any timeframe
      strategy.base_timeframe = *tf;
    } else if (!known) {
      throw UsageError(fmt::format("--timeframe {}: {} uses the timeframes {}", *tf, origin,
                                   fmt::join(strategy.timeframes, ", ")));
    }
    base = *tf;
  }

  std::map<std::string, BarSeries> data;
  for (const auto& tf : strategy.timeframes)
    data[tf] = load_ohlcv(data_dir, symbol, tf, range, LoadOptions{cache.get(), &pool});
  const features::FeatureFrame frame =
      features::compute_features(strategy, data, base, expected, normalization, options);
  for (const auto& w : frame.warnings) log::warn("{}", w);

  if (output == "-") {
    write_csv(std::cout, frame, options.include_indicators);
    std::cout.flush();
    KTRDR_REQUIRE(std::cout.good(), "cannot write to stdout");
  } else {
    std::ofstream out(output, std::ios::binary | std::ios::trunc);
    KTRDR_REQUIRE(out.good(), "{}: cannot open for writing", output);
    write_csv(out, frame, options.include_indicators);
    out.close();
    KTRDR_REQUIRE(!out.fail(), "{}: write failed (disk full?)", output);
  }
  log::info(
      "{} {}: {} bars x {} features{} ({} mode) -> {}", symbol, base, frame.rows(), frame.cols(),
      options.include_indicators ? fmt::format(" + {} indicator columns", frame.indicator_names.size()) : "",
      to_string(options.mode), output);
  return 0;
}

}  // namespace

int features_command(int argc, char** argv) {
  MachineOptions machine;
  const po::options_description opts = make_options(machine);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(opts).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    log::error("features: {} (see ktrdr-backtest features --help)", e.what());
    return 2;
  }
  if (vm.count("help")) {
    std::cout
        << kUsage << "\n"
        << opts << "\n"
        << "Exit codes: 0 success, 1 failure (bad file, missing data, feature mismatch), 2 usage error.\n";
    return 0;
  }
  try {
    return run(vm, machine);
  } catch (const UsageError& e) {
    log::error("features: {} (see ktrdr-backtest features --help)", e.what());
    return 2;
  } catch (const Error& e) {
    log::error("features: {}", e.what());
    return 1;
  }
}

}  // namespace ktrdr::cli
