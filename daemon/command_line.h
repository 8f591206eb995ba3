// Command line + INI config of ktrdr-worker (Boost.Program_options lives only here and in main.cpp).
#pragma once

#include <string>

#include "ktrdr/common/log.h"
#include "ktrdr/worker/backtest_job.h"
#include "ktrdr/worker/worker_session.h"

namespace ktrdr::worker {

struct CommandLine {
  WorkerSessionOptions session;
  JobSettings jobs;
  std::string state_dir;
  log::Level log_level = log::Level::kInfo;
  bool help = false;
  bool version = false;
  std::string help_text;
};

// Parses argv and the --config file (command-line values win). Throws ktrdr::Error on a bad option/value.
CommandLine parse_command_line(int argc, char** argv);

}  // namespace ktrdr::worker
