// `ktrdr-submit top` against a real broker (and worker, when built) on ipc:// endpoints in a temp dir,
// inside a detached tmux session of 120x40: the header and worker rows are on screen, `q` and Ctrl-C
// quit, and the terminal is left in cooked mode on the main screen. Bounded: every wait has a deadline.
#include <doctest/doctest.h>

#include <string>

#include "ops_util.h"

namespace {

using namespace ktrdr::test;
using namespace std::chrono_literals;

// A broker (and a worker when built) in a temp dir; endpoints ipc://<dir>/...
struct MiniFleet {
  TempDir dir{"ktrdr-ops"};
  std::string clients = "ipc://" + (dir / "clients");
  std::string workers = "ipc://" + (dir / "workers");
  std::string progress_in = "ipc://" + (dir / "pin");
  std::string progress_out = "ipc://" + (dir / "pout");
  std::unique_ptr<Process> broker, worker;
  bool have_worker = false;

  MiniFleet() {
    broker = std::make_unique<Process>(logged_process(
        {built_binary("broker/ktrdr-broker").string(), "--clients", clients, "--workers", workers,
         "--progress-in", progress_in, "--progress-out", progress_out, "--state-dir", dir / "broker-state"},
        dir / "broker.log"));
    const fs::path worker_bin = built_binary("daemon/ktrdr-worker");
    if (is_executable(worker_bin)) {
      fs::create_directories(dir.path() / "models");
      fs::create_directories(dir.path() / "data");
      worker = std::make_unique<Process>(
          logged_process({worker_bin.string(), "--broker", workers, "--progress", progress_in, "--state-dir",
                          dir / "worker-state", "--models-root", dir / "models", "--data-dir", dir / "data",
                          "--id", "dash-worker-1"},
                         dir / "worker.log"));
      have_worker = true;
    }
  }

  std::string submit() const {
    return shell_quote(built_binary("client/ktrdr-submit").string()) + " --broker " + shell_quote(clients) +
           " --progress " + shell_quote(progress_out);
  }
  std::string logs() const {
    return "broker log:\n" + read_text_or_empty(dir / "broker.log") + "\nworker log:\n" +
           (have_worker ? read_text_or_empty(dir / "worker.log") : std::string("(no worker)"));
  }
  // The broker answers `status` (and the worker, if any, is registered).
  bool wait_ready() const {
    return eventually(20s, [&] {
      std::string out;
      if (run_shell(submit() + " --timeout-ms 500 --retries 0 status", &out) != 0) return false;
      return !have_worker || out.find("dash-worker-1") != std::string::npos;
    });
  }
};

// "" when the broker and ktrdr-submit are built, else the first one missing.
std::string missing_daemon() {
  for (const char* rel : {"broker/ktrdr-broker", "client/ktrdr-submit"}) {
    if (!is_executable(built_binary(rel))) return rel;
  }
  return {};
}

// A private tmux server (its own socket in the temp dir), killed on scope exit.
class Tmux {
 public:
  // One server per instance: a new server on the socket of one being killed fails to start.
  Tmux(const fs::path& dir, const std::string& name) : socket_((dir / ("tmux-" + name + ".sock")).string()) {}
  ~Tmux() { run_shell(tmux() + " kill-server"); }
  Tmux(const Tmux&) = delete;
  Tmux& operator=(const Tmux&) = delete;

  std::string tmux() const { return "tmux -S " + shell_quote(socket_) + " -f /dev/null"; }
  int start(const std::string& command) const {
    return run_shell(tmux() + " new-session -d -s top -x 120 -y 40 " + shell_quote(command));
  }
  std::string capture() const {
    std::string out;
    run_shell(tmux() + " capture-pane -p -t top", &out);
    return out;
  }
  void keys(const std::string& keys) const { run_shell(tmux() + " send-keys -t top " + keys); }

 private:
  std::string socket_;
};

}  // namespace

TEST_CASE("top --once prints the fleet and exits - an absent broker is exit code 6") {
  if (const std::string m = missing_daemon(); !m.empty())
    KTRDR_SKIP(m << " is not built: dashboard not tested");
  MiniFleet fleet;
  REQUIRE_MESSAGE(fleet.wait_ready(), fleet.logs());
  std::string out;
  const int rc = run_shell("COLUMNS=120 " + fleet.submit() + " top --once", &out);
  INFO(out << "\n" << fleet.logs());
  CHECK(rc == 0);
  CHECK(out.find("ktrdr top") != std::string::npos);
  CHECK(out.find("WORKERS") != std::string::npos);
  CHECK(out.find("JOBS") != std::string::npos);
  CHECK(out.find("RECENT FAILURES") != std::string::npos);
  CHECK(out.find("\x1b[") == std::string::npos);  // no escape codes when not on a terminal
  if (fleet.have_worker) CHECK(out.find("dash-worker-1") != std::string::npos);

  TempDir nowhere{"ktrdr-ops"};
  const auto t0 = std::chrono::steady_clock::now();
  const int rc2 = run_shell("COLUMNS=120 " + shell_quote(built_binary("client/ktrdr-submit").string()) +
                                " --broker ipc://" + (nowhere / "none") + " --progress ipc://" +
                                (nowhere / "none2") + " --timeout-ms 500 top --once",
                            &out);
  CHECK(rc2 == 6);
  CHECK(out.find("BROKER NOT ANSWERING") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
}

TEST_CASE("top in a 120x40 terminal - header and worker rows - q quits and restores the terminal") {
  if (const std::string m = missing_daemon(); !m.empty())
    KTRDR_SKIP(m << " is not built: dashboard not tested");
  if (!program_on_path("tmux"))
    KTRDR_SKIP("tmux is not installed (apt-get install tmux): dashboard not tested in a terminal");
  MiniFleet fleet;
  REQUIRE_MESSAGE(fleet.wait_ready(), fleet.logs());
  Tmux tmux(fleet.dir.path(), "live");
  const std::string exit_file = fleet.dir / "top.exit";
  // after top: its exit code, then the tty settings, then stay open so the screen can be captured
  REQUIRE(tmux.start(fleet.submit() + " top --interval-ms 200; echo \"TOP EXITED $?\"; stty -a > " +
                     exit_file + "; sleep 60") == 0);
  std::string screen;
  const bool shown = eventually(15s, [&] {
    screen = tmux.capture();
    return screen.find("ktrdr top") != std::string::npos && screen.find("WORKERS (") != std::string::npos &&
           (!fleet.have_worker || screen.find("dash-worker-1") != std::string::npos);
  });
  INFO("screen:\n" << screen << "\n" << fleet.logs());
  REQUIRE(shown);
  CHECK(screen.find("broker " + fleet.clients) != std::string::npos);
  CHECK(screen.find("JOBS (") != std::string::npos);
  CHECK(screen.find("q quit") != std::string::npos);
  CHECK(screen.find("BROKER NOT ANSWERING") == std::string::npos);
  if (fleet.have_worker) CHECK(screen.find("WORKERS (1)") != std::string::npos);
  // every line fits the 120 columns (capture-pane would wrap nothing, but a long line shows up cut mid-word)
  for (size_t pos = 0, end; (end = screen.find('\n', pos)) != std::string::npos; pos = end + 1) {
    CHECK(end - pos <= 120);
  }

  tmux.keys("j");
  tmux.keys("c");  // no job: says so, does not ask
  tmux.keys("q");
  const bool exited =
      eventually(5s, [&] { return tmux.capture().find("TOP EXITED 0") != std::string::npos; });
  screen = tmux.capture();
  INFO("after q:\n" << screen);
  CHECK(exited);
  CHECK(screen.find("WORKERS (") == std::string::npos);  // back on the main screen
  CHECK(eventually(2s, [&] { return fs::exists(exit_file) && fs::file_size(exit_file) > 0; }));
  const std::string stty = read_text_or_empty(exit_file);
  INFO("stty -a:\n" << stty);
  CHECK(stty.find(" icanon") != std::string::npos);  // cooked mode again
  CHECK(stty.find(" echo ") != std::string::npos);
}

TEST_CASE("top quits on Ctrl-C and on SIGTERM with the terminal restored") {
  if (const std::string m = missing_daemon(); !m.empty())
    KTRDR_SKIP(m << " is not built: dashboard not tested");
  if (!program_on_path("tmux"))
    KTRDR_SKIP("tmux is not installed (apt-get install tmux): dashboard not tested in a terminal");
  MiniFleet fleet;
  REQUIRE_MESSAGE(fleet.wait_ready(), fleet.logs());
  for (const std::string how : {"C-c", "TERM"}) {
    Tmux tmux(fleet.dir.path(), how);
    const std::string pid_file = fleet.dir / "top.pid";
    const std::string stty_file = fleet.dir / ("stty-" + how);
    const std::string script = fleet.dir / "run-top.sh";
    write_text(script, "echo $$ > " + shell_quote(pid_file) + "\nexec " + fleet.submit() + " top\n");
    REQUIRE(tmux.start("sh " + shell_quote(script) + "; echo \"TOP EXITED $?\"; stty -a > " +
                       shell_quote(stty_file) + "; sleep 60") == 0);
    REQUIRE(eventually(10s, [&] { return tmux.capture().find("WORKERS (") != std::string::npos; }));
    if (how == "C-c") {
      tmux.keys("C-c");
    } else {
      run_shell("kill -TERM $(cat " + pid_file + ")");
    }
    const bool exited =
        eventually(5s, [&] { return tmux.capture().find("TOP EXITED 0") != std::string::npos; });
    INFO(how << ":\n" << tmux.capture());
    CHECK(exited);
    CHECK(eventually(2s, [&] { return fs::exists(stty_file) && fs::file_size(stty_file) > 0; }));
    const std::string stty = read_text_or_empty(stty_file);
    CHECK(stty.find(" icanon") != std::string::npos);
    CHECK(stty.find(" echo ") != std::string::npos);
  }
}
