// Command line + INI config of ktrdr-broker (Boost.Program_options lives only here and in main.cpp).
#pragma once

#include <string>

#include "ktrdr/broker/broker.h"
#include "ktrdr/common/log.h"

namespace ktrdr::broker {

struct CommandLine {
  BrokerOptions broker;
  log::Level log_level = log::Level::kInfo;
  bool help = false;
  bool version = false;
  std::string help_text;
};

// Parses argv and the --config file (command-line values win). Throws ktrdr::Error on a bad option/value.
CommandLine parse_command_line(int argc, char** argv);

}  // namespace ktrdr::broker
