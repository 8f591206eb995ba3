// Every installed program answers --version with the CMake project version (and git describe when the
// source tree had one at build time), exit code 0, and does nothing else (no config, no sockets).
#include <doctest/doctest.h>

#include <regex>
#include <string>

#include "ops_util.h"

using namespace ktrdr::test;
using namespace std::chrono_literals;

TEST_CASE("ktrdr-broker, ktrdr-worker, ktrdr-submit and ktrdr-backtest answer --version") {
  TempDir dir{"ktrdr-ops"};
  for (const std::string rel :
       {"broker/ktrdr-broker", "daemon/ktrdr-worker", "client/ktrdr-submit", "client/ktrdr-backtest"}) {
    const fs::path bin = built_binary(rel);
    if (!is_executable(bin)) KTRDR_SKIP(rel << " is not built: --version not checked");
    // the worker would need --models-root and --data-dir to run: --version must not
    const CommandResult r = run_command(bin.string(), {"--version"}, dir.str(), 10s);
    const std::string name = fs::path(rel).filename().string();
    INFO(rel << " stdout: " << r.out << " stderr: " << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    const std::regex line("^" + name + " " KTRDR_PROJECT_VERSION_EXPECTED "( \\(git [0-9a-zA-Z._-]+\\))?\n$");
    CHECK(std::regex_match(r.out, line));
  }
}
