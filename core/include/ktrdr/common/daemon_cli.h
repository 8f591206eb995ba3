// Shared command-line handling of the daemons (ktrdr-broker, ktrdr-worker): every option may be given on the
// command line or as `key = value` in the INI file named by --config (the command line wins), and the
// --log-level words. Header-only: Boost.Program_options is linked by the daemons' executables only.
#pragma once

#include <atomic>
#include <csignal>
#include <cstdio>
#include <exception>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include <boost/program_options.hpp>

#include "ktrdr/common/error.h"
#include "ktrdr/common/log.h"

namespace ktrdr::cli {

inline log::Level parse_log_level(const std::string& s) {
  if (s == "error") return log::Level::kError;
  if (s == "warning" || s == "warn") return log::Level::kWarning;
  if (s == "info") return log::Level::kInfo;
  if (s == "debug") return log::Level::kDebug;
  KTRDR_FAIL("log-level \"{}\" is unknown; use error, warning, info or debug", s);
}

struct DaemonCli {
  bool help = false;
  std::string help_text;
};

// `generic` holds --help and --config (string); `options` the settings a config file may also hold.
// Throws ktrdr::Error naming the program on a bad option or an unreadable config file.
inline DaemonCli parse_daemon_command_line(int argc, char** argv, const char* program,
                                           const boost::program_options::options_description& generic,
                                           const boost::program_options::options_description& options) {
  namespace po = boost::program_options;
  po::options_description all;
  all.add(generic).add(options);
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, all), vm);
    if (vm.count("config")) {
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
  std::ostringstream os;
  os << all;
  out.help_text = os.str();
  return out;
}

// The process-wide stop flag: the one piece of global state a signal handler needs.
inline std::atomic<bool>& stop_requested() {
  static std::atomic<bool> flag{false};
  return flag;
}
inline void on_stop_signal(int) {
  stop_requested().store(true);
}

// SIGTERM/SIGINT set the stop flag (a clean stop even during start-up); SIGPIPE is ignored. Call first.
inline const std::atomic<bool>& install_stop_signals() {
  std::atomic<bool>& flag = stop_requested();
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGPIPE, SIG_IGN);
  return flag;
}

// Runs a daemon's `parse(argc, argv)` into `cl` (which has help, help_text, log_level). Returns the exit code
// to leave with now (2 bad options, 0 after --help), or nullopt to go on with the log level set.
template <typename CommandLine, typename Parse>
std::optional<int> parse_daemon_args(Parse parse, int argc, char** argv, CommandLine& cl) {
  try {
    cl = parse(argc, argv);
  } catch (const std::exception& e) {
    log::error("{}", e.what());
    return 2;
  }
  if (cl.help) {
    std::fputs(cl.help_text.c_str(), stdout);
    return 0;
  }
  log::set_level(cl.log_level);
  return std::nullopt;
}

}  // namespace ktrdr::cli
