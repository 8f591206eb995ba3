// Command line + INI config of ktrdr-worker (Boost.Program_options lives only here and in main.cpp).
#pragma once

#include <cstdint>
#include <string>

#include "ktrdr/common/log.h"
#include "ktrdr/net/worker_session.h"

namespace ktrdr::worker {

struct JobSettings {
  std::string models_root;
  std::string data_dir;
  uint64_t checkpoint_every_bars = 10000;
  double checkpoint_every_seconds = 30.0;
};

struct CommandLine {
  net::WorkerSessionOptions session;
  JobSettings jobs;
  std::string state_dir;
  log::Level log_level = log::Level::kInfo;
  bool help = false;
  std::string help_text;
};

// Parses argv and the --config file (command-line values win). Throws ktrdr::Error on a bad option/value.
CommandLine parse_command_line(int argc, char** argv);

}  // namespace ktrdr::worker
