// The one process harness of the tests (fleet, ops): RAII child processes that fork/exec a real binary
// with its stdout/stderr sent to files, wait with a deadline, and are killed in the destructor; run_command
// for a command run to completion; eventually() for polling. POSIX only (Linux: the child also gets SIGKILL
// when the test process dies, so a crashed test leaves no daemon behind).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/files.h"

namespace ktrdr::test {

// The file's text, "" when it cannot be read (a child that never wrote anything).
inline std::string read_text_or_empty(const std::string& path) {
  try {
    return read_text(path);
  } catch (const std::runtime_error&) {
    return {};
  }
}

// Polls `pred` every 20 ms until it holds (true) or `timeout` passes (false).
template <typename Pred>
bool eventually(std::chrono::milliseconds timeout, Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

struct ProcessOptions {
  std::string stdout_path = "/dev/null";  // file the child's stdout is written to (truncated)
  std::string stderr_path = "/dev/null";  // == stdout_path: both streams go to that one file, in order
  std::vector<std::pair<std::string, std::string>> env;  // added to (or replacing in) the inherited env
  std::vector<std::string> unset_env;                    // removed from the inherited env
};

class Process {
 public:
  Process(std::string exe, std::vector<std::string> args, ProcessOptions options = {})
      : exe_(std::move(exe)), options_(std::move(options)) {
    // Everything the child needs is prepared before fork (no allocation after it).
    std::vector<std::string> argv_s;
    argv_s.push_back(exe_);
    for (auto& a : args) argv_s.push_back(std::move(a));
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);

    std::vector<std::string> env_s;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string kv = *e;
      const std::string key = kv.substr(0, kv.find('='));
      bool drop = false;
      for (const auto& u : options_.unset_env) drop = drop || u == key;
      for (const auto& [k, v] : options_.env) drop = drop || k == key;
      if (!drop) env_s.push_back(std::move(kv));
    }
    for (const auto& [k, v] : options_.env) env_s.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);

    const int out_fd = ::open(options_.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int err_fd =
        options_.stderr_path == options_.stdout_path
            ? ::dup(out_fd)
            : ::open(options_.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (err_fd >= 0) ::fcntl(err_fd, F_SETFD, FD_CLOEXEC);
    if (out_fd < 0 || err_fd < 0) {
      if (out_fd >= 0) ::close(out_fd);
      if (err_fd >= 0) ::close(err_fd);
      throw std::runtime_error("cannot open output files for " + exe_);
    }
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) {
      ::close(out_fd);
      ::close(err_fd);
      throw std::runtime_error("fork failed for " + exe_);
    }
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      const int in_fd = ::open("/dev/null", O_RDONLY);
      ::dup2(in_fd, STDIN_FILENO);
      ::dup2(out_fd, STDOUT_FILENO);
      ::dup2(err_fd, STDERR_FILENO);
      ::execve(exe_.c_str(), argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(out_fd);
    ::close(err_fd);
  }

  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  Process(Process&& other) noexcept
      : exe_(std::move(other.exe_)),
        options_(std::move(other.options_)),
        pid_(std::exchange(other.pid_, -1)),
        status_(other.status_) {}

  ~Process() { kill_and_reap(); }

  pid_t pid() const { return pid_; }
  const std::string& exe() const { return exe_; }

  // True while the child has not exited (reaps it if it has).
  bool running() {
    if (pid_ <= 0 || status_) return false;
    int st = 0;
    const pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      status_ = st;
      return false;
    }
    return r == 0;
  }

  void signal(int sig) {
    if (pid_ > 0 && !status_) ::kill(pid_, sig);
  }

  // Waits up to `timeout` for the exit; returns the exit code (128 + signal when killed) or nullopt.
  std::optional<int> wait_for(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return exit_code();
  }

  // Exit code once exited: the status for a normal exit, 128 + signal number when killed, -1 before.
  int exit_code() const {
    if (!status_) return -1;
    if (WIFEXITED(*status_)) return WEXITSTATUS(*status_);
    if (WIFSIGNALED(*status_)) return 128 + WTERMSIG(*status_);
    return -1;
  }

  // SIGKILL and reap (idempotent).
  void kill_and_reap() {
    if (pid_ <= 0 || status_) return;
    ::kill(pid_, SIGKILL);
    int st = 0;
    if (::waitpid(pid_, &st, 0) == pid_) status_ = st;
  }

  // SIGTERM, then SIGKILL if the child is still there after `grace`.
  void terminate(std::chrono::milliseconds grace = std::chrono::milliseconds(3000)) {
    signal(SIGTERM);
    if (!wait_for(grace)) kill_and_reap();
  }

  std::string stdout_text() const { return read_text_or_empty(options_.stdout_path); }
  std::string stderr_text() const { return read_text_or_empty(options_.stderr_path); }

 private:
  std::string exe_;
  ProcessOptions options_;
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// `argv[0]` with arguments `argv[1..]`, stdout and stderr both into `log_file` (a daemon under test).
inline Process logged_process(std::vector<std::string> argv, const std::string& log_file,
                              std::vector<std::pair<std::string, std::string>> env = {}) {
  ProcessOptions options;
  options.stdout_path = log_file;
  options.stderr_path = log_file;
  options.env = std::move(env);
  std::string exe = std::move(argv.front());
  argv.erase(argv.begin());
  return Process(std::move(exe), std::move(argv), std::move(options));
}

// A finished command: exit code (-1 = killed at the deadline), stdout and stderr.
struct CommandResult {
  int exit_code = -1;
  bool timed_out = false;
  std::string out;
  std::string err;
  double seconds = 0.0;
};

// Runs `exe args...` to completion (SIGKILL at `timeout`); output goes through files in `scratch_dir`.
inline CommandResult run_command(const std::string& exe, const std::vector<std::string>& args,
                                 const std::string& scratch_dir, std::chrono::milliseconds timeout,
                                 std::vector<std::pair<std::string, std::string>> env = {}) {
  static int counter = 0;  // tests are single-threaded: unique scratch names per call
  const std::string base = scratch_dir + "/cmd" + std::to_string(++counter);
  ProcessOptions opt;
  opt.stdout_path = base + ".out";
  opt.stderr_path = base + ".err";
  opt.env = std::move(env);
  const auto t0 = std::chrono::steady_clock::now();
  Process p(exe, args, opt);
  CommandResult r;
  const auto code = p.wait_for(timeout);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!code) {
    r.timed_out = true;
    p.kill_and_reap();
  } else {
    r.exit_code = *code;
  }
  r.out = p.stdout_text();
  r.err = p.stderr_text();
  return r;
}

}  // namespace ktrdr::test
