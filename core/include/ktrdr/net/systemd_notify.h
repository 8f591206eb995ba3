// sd_notify(3) for the daemons: tell systemd when a Type=notify unit is ready, alive, stopping.
// Every call is a no-op returning false when the process is not run by systemd (no NOTIFY_SOCKET)
// or when the build has no libsystemd; daemons call them unconditionally.
//
//   ktrdr::net::notify_ready("listening on tcp://*:5555");   // after bind/connect and load
//   ktrdr::net::WatchdogKeepAlive watchdog;                 // WatchdogSec= of the unit, if any
//   while (running) { poll(..., watchdog.poll_timeout(loop_timeout)); watchdog.kick(); ... }
//   ktrdr::net::notify_stopping();                          // on SIGTERM, before the final checkpoint
#pragma once

#include <chrono>
#include <string_view>

namespace ktrdr::net {

// READY=1 (plus STATUS=<status> when given). Send once the sockets are bound/connected and state is loaded.
bool notify_ready(std::string_view status = {});
// WATCHDOG=1: the keep-alive for WatchdogSec=. Prefer WatchdogKeepAlive, which paces it.
bool notify_watchdog();
// STOPPING=1 (plus STATUS=<status> when given): a graceful shutdown has begun.
bool notify_stopping(std::string_view status = {});
// STATUS=<status>: one line shown by `systemctl status` ("3 workers, 12 queued").
bool notify_status(std::string_view status);

// How often to send WATCHDOG=1: half of WATCHDOG_USEC when systemd enabled the watchdog for this
// process, zero otherwise.
std::chrono::milliseconds watchdog_interval();

// Paces WATCHDOG=1 from a daemon's main loop: kick() sends at most once per watchdog_interval().
// Call kick() on every loop iteration (it is cheap); bound the loop's poll timeout by poll_timeout()
// so an idle loop still wakes up in time. A loop that hangs stops kicking and systemd restarts it.
class WatchdogKeepAlive {
 public:
  using Clock = std::chrono::steady_clock;

  WatchdogKeepAlive() : WatchdogKeepAlive(watchdog_interval()) {}
  explicit WatchdogKeepAlive(std::chrono::milliseconds interval) : interval_(interval) {}

  bool enabled() const { return interval_.count() > 0; }
  std::chrono::milliseconds interval() const { return interval_; }
  // Sends WATCHDOG=1 when the interval has passed since the last ping; returns true when it sent one.
  bool kick(Clock::time_point now = Clock::now());
  // min(loop_timeout, time until the next ping is due); loop_timeout when the watchdog is off.
  std::chrono::milliseconds poll_timeout(std::chrono::milliseconds loop_timeout,
                                         Clock::time_point now = Clock::now()) const;

 private:
  std::chrono::milliseconds interval_;
  Clock::time_point last_ping_{};
  bool pinged_ = false;
};

}  // namespace ktrdr::net
