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
  // The N-bar trigger waits this long after the previous checkpoint: at millions of bars per second an
  // every-10000-bars checkpoint (synced to RocksDB and sent to the broker) costs far more than the bars it
  // saves (+420-560 % on a 1 M-bar run at gap 0). See engine::EngineOptions.
  double checkpoint_min_gap_seconds = 1.0;
  // Threads per backtest (1: a host runs many workers; raise it for a worker that has the machine alone).
  unsigned threads = 1;
  // Parsed-data cache of this worker ("" = none); the default is <state-dir>/bar-cache.
  std::string bar_cache_dir;
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
