// Subcommands of `ktrdr-submit`. Each parses its own arguments (args[0] is the subcommand name), uses the
// global options already parsed into `options` (its own --json/--broker/... override them) and returns the
// process exit code (exit_codes.h). Errors are printed before returning.
#pragma once

#include <string>
#include <vector>

#include "ktrdr/client/client_options.h"

namespace ktrdr::cli {

int backtest_command(client::ClientOptions& options,
                     const std::vector<std::string>& args);                                // job_commands.cpp
int resume_command(client::ClientOptions& options, const std::vector<std::string>& args);  // job_commands.cpp
int status_command(client::ClientOptions& options,
                   const std::vector<std::string>& args);                                // query_commands.cpp
int list_command(client::ClientOptions& options, const std::vector<std::string>& args);  // query_commands.cpp
int cancel_command(client::ClientOptions& options,
                   const std::vector<std::string>& args);  // query_commands.cpp
int results_command(client::ClientOptions& options,
                    const std::vector<std::string>& args);  // results_command.cpp
int watch_command(client::ClientOptions& options, const std::vector<std::string>& args);  // watch_command.cpp

}  // namespace ktrdr::cli
