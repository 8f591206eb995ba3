// Shared command-line handling of the daemons (ktrdr-broker, ktrdr-worker): every option may be given on the
// command line or as `key = value` in the INI file named by --config (the command line wins), and the
// --log-level words. Header-only: Boost.Program_options is linked by the daemons' executables only.
#pragma once

#include <fstream>
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

}  // namespace ktrdr::cli
