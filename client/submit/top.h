// `ktrdr-submit top`: a full-screen fleet dashboard in the spirit of htop/k9s. Workers with their state
// and job, jobs with progress bars, bars/s, ETA and P&L, the queue, recent failures. Refreshes from the
// broker's progress feed (SUB on progress-out) and periodic list requests (DEALER on the clients
// endpoint). Keys: q quit, arrows or j/k select a job, c cancel it (after y/n).
// `--once` prints one frame to stdout without touching the terminal (scripts and tests).
#pragma once

#include <string>
#include <vector>

#include "ktrdr/client/client_options.h"

namespace ktrdr::cli {

// As dispatched by main.cpp: global options already parsed into `options`, args[0] == "top".
int top_command(client::ClientOptions& options, const std::vector<std::string>& args);
// Stand-alone form: argv[0] == "top"; endpoints default to $KTRDR_BROKER / $KTRDR_PROGRESS.
int top_command(int argc, char** argv);

}  // namespace ktrdr::cli
