// Subcommands of `ktrdr-backtest`. Each parses its own options (argv[0] is the subcommand name) and
// returns the process exit code: 0 ok, 2 usage error, 1 failure (message already printed).
#pragma once

namespace ktrdr::cli {

int features_command(int argc, char** argv);  // features_command.cpp
int run_command(int argc, char** argv);       // run_command.cpp

}  // namespace ktrdr::cli
