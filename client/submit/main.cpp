// ktrdr-submit: the fleet client. Global options, then a subcommand that parses the rest.
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "client_options.h"
#include "command_line.h"
#include "commands.h"
#include "exit_codes.h"
#include "ktrdr/cli/version.h"
#include "ktrdr/common/log.h"

#if __has_include("top.h")
#include "top.h"
#define KTRDR_SUBMIT_HAVE_TOP 1
#endif

namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "usage: ktrdr-submit [--broker EP] [--progress EP] [--timeout-ms MS] [--retries N] [--json] COMMAND ...\n"
    "\n"
    "Commands:\n"
    "  backtest STRATEGY --start D --end D [-c CAPITAL] [--commission F] [--slippage F] [-m MODEL_DIR]\n"
    "           [--symbol S] [--timeframe TF] [--mode ktrdr|corrected] [-f|--follow] [--wait]\n"
    "                            queue a backtest (prints the operation id, or follows it)\n"
    "  status [OP]               one operation, or the fleet (workers, queue)\n"
    "  list [--state S]...       operations, newest first\n"
    "  cancel OP [--wait]        stop a job (it keeps a checkpoint for resume)\n"
    "  resume OP [-f|--wait]     continue a cancelled or failed job from its latest checkpoint\n"
    "  results OP [--json] [--trades-csv F] [--equity-csv F] [--plot F.svg]\n"
    "                            the full result of a completed job\n"
    "  watch [OP]                every progress line from the broker's feed\n"
    "  top                       full-screen fleet dashboard\n"
    "\n"
    "`ktrdr-submit COMMAND --help` describes each command. --json works with every command.\n"
    "Endpoints default to $KTRDR_BROKER / $KTRDR_PROGRESS, else tcp://127.0.0.1:5555 / :5558.\n";

bool takes_value(const std::string& token) {
  return token == "--broker" || token == "--progress" || token == "--timeout-ms" || token == "--retries";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ktrdr::cli;
  const std::vector<std::string> all(argv + 1, argv + argc);
  // Global options come before the command; the command and what follows go to the subcommand.
  size_t cmd = 0;
  while (cmd < all.size() && !all[cmd].empty() && all[cmd][0] == '-') cmd += takes_value(all[cmd]) ? 2 : 1;

  ClientOptions options = ClientOptions::from_env();
  po::options_description global = common_options(options);
  global.add_options()("help,h", "show this help")("version", "print the version and exit");
  try {
    po::variables_map vm;
    const std::vector<std::string> head(all.begin(),
                                        all.begin() + static_cast<std::ptrdiff_t>(std::min(cmd, all.size())));
    po::store(po::command_line_parser(head).options(global).run(), vm);
    po::notify(vm);
    if (vm.count("version")) {
      std::cout << ktrdr::cli::version_line("ktrdr-submit") << "\n";
      return 0;
    }
    if (vm.count("help") || cmd >= all.size()) {
      std::cout << kUsage << "\n" << global << "\n" << kExitCodeHelp;
      return vm.count("help") ? 0 : to_int(ExitCode::kUsage);
    }
  } catch (const po::error& e) {
    ktrdr::log::error("{} (see ktrdr-submit --help)", e.what());
    return to_int(ExitCode::kUsage);
  }

  const std::vector<std::string> args(all.begin() + static_cast<std::ptrdiff_t>(cmd), all.end());
  const std::string& name = args.front();
  if (name == "backtest") return backtest_command(options, args);
  if (name == "status") return status_command(options, args);
  if (name == "list") return list_command(options, args);
  if (name == "cancel") return cancel_command(options, args);
  if (name == "resume") return resume_command(options, args);
  if (name == "results") return results_command(options, args);
  if (name == "watch") return watch_command(options, args);
  if (name == "top") {
#ifdef KTRDR_SUBMIT_HAVE_TOP
    return top_command(options, args);
#else
    ktrdr::log::error("top: the dashboard is not built into this ktrdr-submit (client/submit/top.h missing)");
    return to_int(ExitCode::kError);
#endif
  }
  if (name == "help") {
    std::cout << kUsage << "\n" << global << "\n" << kExitCodeHelp;
    return 0;
  }
  ktrdr::log::error("unknown command '{}' (see ktrdr-submit --help)", name);
  return to_int(ExitCode::kUsage);
}
