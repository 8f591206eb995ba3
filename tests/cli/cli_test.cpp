// The command-line pieces every program shares (ktrdr::cli): --version text, --mode parsed into a Mode
// with an error naming the bad word, the trading-cost options, and the daemons' option/config handling.
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "ktrdr/cli/daemon_cli.h"
#include "ktrdr/cli/trading_options.h"
#include "ktrdr/cli/version.h"
#include "ktrdr/common/error.h"
#include "support/temp_dir.h"

using namespace ktrdr;
namespace po = boost::program_options;

namespace {

// Parses `args` (without the program name) against `desc` and notifies.
void parse(const po::options_description& desc, std::vector<std::string> args) {
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).run(), vm);
  po::notify(vm);
}

}  // namespace

TEST_CASE("--version: the project version, then git describe when it is known") {
  CHECK(cli::project_version() == KTRDR_PROJECT_VERSION_EXPECTED);
  const std::string line = cli::version_line("ktrdr-x");
  if (cli::git_describe().empty()) {
    CHECK(line == "ktrdr-x " KTRDR_PROJECT_VERSION_EXPECTED);
  } else {
    CHECK(line ==
          "ktrdr-x " KTRDR_PROJECT_VERSION_EXPECTED " (git " + std::string(cli::git_describe()) + ")");
  }
}

TEST_CASE("--mode is parsed into a Mode at the command line - a bad word is named with the choices") {
  Mode mode = Mode::kKtrdr;
  po::options_description desc;
  desc.add_options()("mode", cli::mode_value(&mode, Mode::kCorrected), "mode");
  parse(desc, {});
  CHECK(mode == Mode::kCorrected);  // the default
  parse(desc, {"--mode", "ktrdr"});
  CHECK(mode == Mode::kKtrdr);
  CHECK_THROWS_WITH_AS(parse(desc, {"--mode", "fast"}),
                       "--mode fast is unknown: use ktrdr (the reference, as-is behaviours included) or "
                       "corrected (docs/modes.md)",
                       po::error);

  po::options_description unbound;
  unbound.add_options()("mode", cli::mode_value(nullptr, Mode::kKtrdr), "mode");
  po::variables_map vm;
  po::store(po::command_line_parser(std::vector<std::string>{"--mode=corrected"}).options(unbound).run(), vm);
  CHECK(vm["mode"].as<Mode>() == Mode::kCorrected);
}

TEST_CASE("trading-cost options fill one TradingCosts, defaults from it") {
  TradingCosts costs;
  po::options_description desc;
  cli::add_trading_costs_options(desc, costs);
  parse(desc, {"-c", "5000", "--commission", "0.002", "--slippage", "0", "--position-fraction", "1"});
  CHECK(costs == TradingCosts{5000, 0.002, 0, 1});
  TradingCosts defaults;
  po::options_description d2;
  cli::add_trading_costs_options(d2, defaults);
  parse(d2, {});
  CHECK(defaults == TradingCosts{});
}

TEST_CASE("daemon options: command line wins over the --config file - bad words and files are named") {
  test::TempDir dir;
  { std::ofstream(dir / "d.conf") << "port = 7\nname = from-file\n"; }
  int port = 0;
  std::string name, config, level = "info";
  po::options_description generic;
  generic.add_options()("help,h", "help")("version", "version")("config,c", po::value(&config), "config");
  po::options_description opts;
  opts.add_options()("port", po::value(&port))("name", po::value(&name))("log-level", po::value(&level));
  std::vector<std::string> args = {"prog", "--config", dir / "d.conf", "--name", "cli"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  cli::DaemonCli out =
      cli::parse_daemon_command_line(static_cast<int>(argv.size()), argv.data(), "prog", generic, opts);
  CHECK_FALSE(out.help);
  CHECK_FALSE(out.version);
  CHECK(port == 7);
  CHECK(name == "cli");

  std::vector<std::string> args2 = {"prog", "--version", "--config", dir / "missing.conf"};
  std::vector<char*> argv2;
  for (auto& a : args2) argv2.push_back(a.data());
  out = cli::parse_daemon_command_line(static_cast<int>(argv2.size()), argv2.data(), "prog", generic, opts);
  CHECK(out.version);  // --version does not need a readable config

  std::vector<std::string> args3 = {"prog", "--config", dir / "missing.conf"};
  std::vector<char*> argv3;
  for (auto& a : args3) argv3.push_back(a.data());
  CHECK_THROWS_WITH_AS(
      cli::parse_daemon_command_line(static_cast<int>(argv3.size()), argv3.data(), "prog", generic, opts),
      doctest::Contains("missing.conf: cannot open the file"), Error);

  CHECK(cli::parse_log_level("warn") == log::Level::kWarning);
  CHECK_THROWS_WITH_AS(cli::parse_log_level("loud"),
                       R"(log-level "loud" is unknown; use error, warning, info or debug)", Error);
}
