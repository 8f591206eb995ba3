// Slows a process down from outside (SIGSTOP/SIGCONT duty cycle) so a test can act while a backtest is
// mid-run: the engine does millions of bars per second, far faster than a test can poll. A worker stopped
// for `stop_ms` < its heartbeat liveness window stays alive for the broker. freeze() leaves it stopped (to
// issue a request while the job is certainly mid-run), thaw() lets it run at full speed.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <thread>

namespace ktrdr::test {

class Throttle {
 public:
  Throttle(pid_t pid, std::chrono::milliseconds run, std::chrono::milliseconds stop)
      : pid_(pid), thread_([this, run, stop](std::stop_token st) {
          while (!st.stop_requested()) {
            ::kill(pid_, SIGCONT);
            std::this_thread::sleep_for(run);
            if (st.stop_requested()) break;
            ::kill(pid_, SIGSTOP);
            std::this_thread::sleep_for(stop);
          }
        }) {}
  ~Throttle() { thaw(); }
  Throttle(const Throttle&) = delete;
  Throttle& operator=(const Throttle&) = delete;

  // Stops the duty cycle with the process stopped.
  void freeze() {
    end_cycle();
    ::kill(pid_, SIGSTOP);
  }
  // Stops the duty cycle with the process running.
  void thaw() {
    end_cycle();
    ::kill(pid_, SIGCONT);
  }

 private:
  void end_cycle() {
    if (thread_.joinable()) {
      thread_.request_stop();
      thread_.join();
    }
  }

  pid_t pid_;
  std::jthread thread_;
};

}  // namespace ktrdr::test
