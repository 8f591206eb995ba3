// Process exit codes of `ktrdr-submit`, stable for scripts (documented in `ktrdr-submit --help`).
#pragma once

namespace ktrdr::cli {

enum class ExitCode : int {
  kOk = 0,           // success (a finished job: completed)
  kError = 1,        // local error: cannot write a file, bad result JSON, ...
  kUsage = 2,        // bad command line
  kRejected = 3,     // the broker refused the request (validation error, unknown operation, bad state)
  kFailed = 4,       // the job ended FAILED
  kCancelled = 5,    // the job ended CANCELLED (or was cancelled from this command)
  kUnreachable = 6,  // broker unreachable or no answer within the timeout; progress feed silent
};

constexpr int to_int(ExitCode code) {
  return static_cast<int>(code);
}

// The --help paragraph listing the codes.
inline constexpr const char* kExitCodeHelp =
    "Exit codes:\n"
    "  0  success (for backtest --wait/--follow and resume -f: the job completed)\n"
    "  1  local error (cannot write an output file, unreadable result)\n"
    "  2  usage error (unknown command or option, missing argument)\n"
    "  3  request rejected by the broker (invalid job, unknown operation, wrong state)\n"
    "  4  the job failed\n"
    "  5  the job was cancelled\n"
    "  6  broker unreachable / no reply within the timeout\n";

}  // namespace ktrdr::cli
