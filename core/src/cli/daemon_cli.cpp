// The daemons' shared command line (daemon_cli.h).
#include "ktrdr/cli/daemon_cli.h"

#include <csignal>
#include <fstream>
#include <sstream>

#include <boost/program_options.hpp>

#include "ktrdr/common/error.h"

namespace ktrdr::cli {

namespace {

std::atomic<bool>& stop_flag() {
  static std::atomic<bool> flag{false};
  return flag;
}

void on_stop_signal(int) {
  stop_flag().store(true);
}

}  // namespace

log::Level parse_log_level(const std::string& s) {
  if (s == "error") return log::Level::kError;
  if (s == "warning" || s == "warn") return log::Level::kWarning;
  if (s == "info") return log::Level::kInfo;
  if (s == "debug") return log::Level::kDebug;
  KTRDR_FAIL("log-level \"{}\" is unknown; use error, warning, info or debug", s);
}

DaemonCli parse_daemon_command_line(int argc, char** argv, const char* program,
                                    const boost::program_options::options_description& generic,
                                    const boost::program_options::options_description& options) {
  namespace po = boost::program_options;
  po::options_description all;
  all.add(generic).add(options);
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, all), vm);
    if (vm.count("config") && !vm.count("help") && !vm.count("version")) {
      const std::string path = vm["config"].as<std::string>();
      std::ifstream in(path);
      KTRDR_REQUIRE(in.good(), "--config {}: cannot open the file", path);
      po::store(po::parse_config_file(in, options, false), vm);
    }
    po::notify(vm);
  } catch (const po::error& e) {
    KTRDR_FAIL("{} (see {} --help)", e.what(), program);
  }
  DaemonCli out;
  out.help = vm.count("help") > 0;
  out.version = vm.count("version") > 0;
  std::ostringstream os;
  os << all;
  out.help_text = os.str();
  return out;
}

const std::atomic<bool>& install_stop_signals() {
  std::atomic<bool>& flag = stop_flag();
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGPIPE, SIG_IGN);
  return flag;
}

}  // namespace ktrdr::cli
