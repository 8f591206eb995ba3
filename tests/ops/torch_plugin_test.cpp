// libtorch is loaded only by what runs a model: the programs do not link it, `features` never loads it, a run
// loads the plugin libktrdr_torch.so from beside the program (build tree, or <libdir>/ktrdr once installed)
// or from $KTRDR_TORCH_BACKEND, and says where it looked when it cannot. Real binaries, real installs.
#include <doctest/doctest.h>

#include <string>

#include "ops_util.h"

using namespace ktrdr::test;

namespace {

const std::string kGolden = std::string(KTRDR_TEST_DATA) + "/golden/v1_bench12";

// A golden-case command line of `bin` ("run" or "features"), output files in `out`.
std::string golden_command(const std::string& bin, const std::string& command, const TempDir& out) {
  std::string cmd = shell_quote(bin) + " " + command + " --model " + shell_quote(kGolden + "/model") +
                    " --data-dir " + shell_quote(kGolden + "/data") +
                    " --symbol SYNTH --timeframe 1h --mode ktrdr --no-cache";
  cmd += command == "run" ? " -q --output " + shell_quote(out / "r.json")
                          : " --output " + shell_quote(out / "f.csv");
  return cmd;
}

}  // namespace

TEST_CASE("the programs do not link libtorch, features never loads it, a run names where it looked for it") {
  for (const char* rel :
       {"client/ktrdr-backtest", "daemon/ktrdr-worker", "broker/ktrdr-broker", "client/ktrdr-submit"}) {
    CAPTURE(rel);
    REQUIRE(is_executable(built_binary(rel)));
    std::string deps;
    REQUIRE(run_shell("ldd " + shell_quote(built_binary(rel).string()), &deps) == 0);
    CHECK(deps.find("libtorch") == std::string::npos);
    CHECK(deps.find("libopencv") == std::string::npos);
  }
  const std::string bin = built_binary("client/ktrdr-backtest").string();
  const std::string plugin =
      built_binary(std::string(KTRDR_TORCH_BACKEND_LIBDIR) + "/ktrdr/libktrdr_torch.so").string();
  REQUIRE(fs::exists(plugin));
  TempDir out;
  std::string output;

  // a plugin that is not there: features (no model run) works, run fails naming the path
  const std::string missing = "KTRDR_TORCH_BACKEND=/nonexistent/libktrdr_torch.so ";
  CHECK(run_shell(missing + golden_command(bin, "features", out), &output) == 0);
  CHECK(read_text(out / "f.csv").find("1h_rsi_momentum_oversold") != std::string::npos);
  CHECK(run_shell(missing + golden_command(bin, "run", out), &output) == 1);
  CHECK(output.find("cannot load the libtorch model backend libktrdr_torch.so: tried "
                    "/nonexistent/libktrdr_torch.so (no such file)") != std::string::npos);
  CHECK(output.find("set KTRDR_TORCH_BACKEND to its path") != std::string::npos);

  // a file that is not a shared library: the loader's reason
  write_text(out / "fake.so", std::string(200, 'x'));  // long enough to be read as an ELF header
  CHECK(
      run_shell("KTRDR_TORCH_BACKEND=" + shell_quote(out / "fake.so") + " " + golden_command(bin, "run", out),
                &output) == 1);
  CHECK(output.find("tried " + out / "fake.so" + " (") != std::string::npos);
  CHECK(output.find("invalid ELF header") != std::string::npos);

  // the real plugin, named explicitly or found beside the program
  fs::remove(out / "r.json");
  CHECK(run_shell("KTRDR_TORCH_BACKEND=" + shell_quote(plugin) + " " + golden_command(bin, "run", out),
                  &output) == 0);
  CHECK(fs::file_size(out / "r.json") > 1000);
  fs::remove(out / "r.json");
  CHECK(run_shell("env -u KTRDR_TORCH_BACKEND " + golden_command(bin, "run", out), &output) == 0);
  CHECK(fs::file_size(out / "r.json") > 1000);
}

TEST_CASE("cmake --install puts the plugin where the installed ktrdr-backtest finds it") {
  TempDir root;
  std::string output;
  // DESTDIR keeps every file (absolute destinations such as /etc/ktrdr included) under the scratch root
  REQUIRE_MESSAGE(
      run_shell("DESTDIR=" + shell_quote(root.path().string()) + " " + shell_quote(KTRDR_CMAKE_COMMAND) +
                    " --install " + shell_quote(KTRDR_BINARY_DIR) + " --prefix /usr/local",
                &output) == 0,
      output);
  const fs::path prefix = root.path() / "usr" / "local";
  const std::string bin = (prefix / "bin" / "ktrdr-backtest").string();
  REQUIRE(is_executable(bin));
  const fs::path plugin = prefix / KTRDR_TORCH_BACKEND_LIBDIR / "ktrdr" / "libktrdr_torch.so";
  REQUIRE(fs::exists(plugin));
  TempDir out;
  // LD_DEBUG=files shows which file dlopen() loaded: the installed plugin, not the build tree's
  CHECK(run_shell("env -u KTRDR_TORCH_BACKEND LD_DEBUG=files " + golden_command(bin, "run", out), &output) ==
        0);
  CHECK(output.find("file=" + plugin.string() + " [0];  dynamically loaded") != std::string::npos);
  CHECK(output.find(std::string(KTRDR_BINARY_DIR) + "/" + KTRDR_TORCH_BACKEND_LIBDIR) == std::string::npos);
  CHECK(fs::file_size(out / "r.json") > 1000);
}

TEST_CASE("--threads, --cache-dir and --no-cache: ktrdr-backtest and ktrdr-worker") {
  const std::string bin = built_binary("client/ktrdr-backtest").string();
  const std::string worker = built_binary("daemon/ktrdr-worker").string();
  TempDir out;
  std::string output;
  const std::string features = shell_quote(bin) + " features --model " + shell_quote(kGolden + "/model") +
                               " --data-dir " + shell_quote(kGolden + "/data") + " --output " +
                               shell_quote(out / "f.csv");
  // bad thread counts are usage errors naming the range
  CHECK(run_shell(features + " --threads 0", &output) == 2);
  CHECK(output.find("--threads must be in [1, 1024] (got 0)") != std::string::npos);
  CHECK(run_shell(shell_quote(bin) + " run --model m --data-dir d --threads 2000", &output) == 2);
  CHECK(output.find("--threads must be in [1, 1024] (got 2000)") != std::string::npos);
  CHECK(run_shell(shell_quote(worker) + " --models-root / --data-dir / --state-dir " +
                      shell_quote(out / "w") + " --threads 0",
                  &output) == 2);
  CHECK(output.find("threads must be in [1, 1024] (got 0)") != std::string::npos);
  // the cache directory gets one entry per data file; --no-cache leaves it alone; same features either way
  const std::string cache = out / "bars";
  CHECK(run_shell(features + " --threads 2 --cache-dir " + shell_quote(cache), &output) == 0);
  const std::string with_cache = read_text(out / "f.csv");
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(cache)) entries += e.path().extension() == ".bars";
  CHECK(entries == 1);
  fs::remove_all(cache);
  CHECK(run_shell(features + " --threads 1 --no-cache --cache-dir " + shell_quote(cache), &output) == 0);
  CHECK(!fs::exists(cache));
  CHECK(read_text(out / "f.csv") == with_cache);
  CHECK(with_cache.size() > 100000);
}
