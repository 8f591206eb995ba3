// Shared command-line handling of the daemons (ktrdr-broker, ktrdr-worker): every option may be given on the
// command line or as `key = value` in the INI file named by --config (the command line wins), the
// --log-level words, --version, and the stop signals. Boost.Program_options is only forward-declared here:
// the daemons' command_line.cpp include it, ktrdr_cli links it PRIVATE.
#pragma once

#include <atomic>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>

#include "ktrdr/cli/version.h"
#include "ktrdr/common/log.h"

namespace boost::program_options {
class options_description;
}

namespace ktrdr::cli {

// "error" | "warning" (or "warn") | "info" | "debug"; throws ktrdr::Error naming the word and the choices.
log::Level parse_log_level(const std::string& s);

struct DaemonCli {
  bool help = false;
  bool version = false;
  std::string help_text;
};

// `generic` holds --help, --version and --config (string); `options` the settings a config file may also
// hold. Throws ktrdr::Error naming the program on a bad option or an unreadable config file.
DaemonCli parse_daemon_command_line(int argc, char** argv, const char* program,
                                    const boost::program_options::options_description& generic,
                                    const boost::program_options::options_description& options);

// SIGTERM/SIGINT set the process-wide stop flag (a clean stop even during start-up); SIGPIPE is ignored.
// Call first. The flag is the one piece of global state a signal handler needs.
const std::atomic<bool>& install_stop_signals();

// Runs a daemon's `parse(argc, argv)` into `cl` (which has help, version, help_text, log_level). Returns the
// exit code to leave with now (2 bad options, 0 after --help or --version), or nullopt to go on with the log
// level set.
template <typename CommandLine, typename Parse>
std::optional<int> parse_daemon_args(Parse parse, const char* program, int argc, char** argv,
                                     CommandLine& cl) {
  try {
    cl = parse(argc, argv);
  } catch (const std::exception& e) {
    log::error("{}", e.what());
    return 2;
  }
  if (cl.version) {
    std::puts(version_line(program).c_str());
    return 0;
  }
  if (cl.help) {
    std::fputs(cl.help_text.c_str(), stdout);
    return 0;
  }
  log::set_level(cl.log_level);
  return std::nullopt;
}

}  // namespace ktrdr::cli
