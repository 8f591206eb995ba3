// ktrdr-backtest: embedded (no daemons) backtests and feature inspection.
//   ktrdr-backtest run      --model DIR --data-dir DIR ... [--output result.json]
//   ktrdr-backtest features --model DIR | --strategy FILE --data-dir DIR ... --output F.csv
#include <cstring>
#include <exception>
#include <string>

#include <fmt/format.h>

#include "commands.h"
#include "ktrdr/cli/version.h"
#include "ktrdr/common/log.h"

namespace {

void print_usage() {
  fmt::print(
      "usage: ktrdr-backtest COMMAND [options]   (or --version)\n"
      "\n"
      "Commands:\n"
      "  run        backtest a model directory on local data and write the results\n"
      "  features   compute a strategy's or model's feature matrix and write it as CSV\n"
      "\n"
      "Run 'ktrdr-backtest COMMAND --help' for the options of a command.\n"
      "Exit codes: 0 success, 1 failure (bad input, missing files, ...), 2 usage error.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    print_usage();
    return argc < 2 ? 2 : 0;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    fmt::print("{}\n", ktrdr::cli::version_line("ktrdr-backtest"));
    return 0;
  }
  const std::string command = argv[1];
  try {
    if (command == "run") return ktrdr::cli::run_command(argc - 1, argv + 1);
    if (command == "features") return ktrdr::cli::features_command(argc - 1, argv + 1);
  } catch (const std::exception& e) {
    ktrdr::log::error("{}", e.what());
    return 1;
  }
  ktrdr::log::error("unknown command '{}'; use 'run' or 'features' (ktrdr-backtest --help)", command);
  return 2;
}
