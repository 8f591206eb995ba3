#include "ktrdr/net/systemd_notify.h"

#include <algorithm>
#include <cstdint>
#include <string>

#if defined(KTRDR_HAVE_SYSTEMD)
#include <systemd/sd-daemon.h>
#endif

namespace ktrdr::net {
namespace {

bool send_state(const std::string& state) {
#if defined(KTRDR_HAVE_SYSTEMD)
  // unset_environment=0: a daemon may notify more than once (WATCHDOG=1, STATUS=...)
  return ::sd_notify(0, state.c_str()) > 0;
#else
  (void)state;
  return false;
#endif
}

std::string with_status(std::string state, std::string_view status) {
  if (!status.empty()) {
    state += "\nSTATUS=";
    state += status;
  }
  return state;
}

}  // namespace

bool notify_ready(std::string_view status) {
  return send_state(with_status("READY=1", status));
}
bool notify_watchdog() {
  return send_state("WATCHDOG=1");
}
bool notify_stopping(std::string_view status) {
  return send_state(with_status("STOPPING=1", status));
}
bool notify_status(std::string_view status) {
  return send_state("STATUS=" + std::string(status));
}

std::chrono::milliseconds watchdog_interval() {
#if defined(KTRDR_HAVE_SYSTEMD)
  uint64_t usec = 0;
  // > 0 only when WATCHDOG_USEC is set and WATCHDOG_PID (if set) is this process
  if (::sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    return std::chrono::milliseconds(std::max<uint64_t>(1, usec / 2000));
  }
#endif
  return std::chrono::milliseconds(0);
}

bool WatchdogKeepAlive::kick(Clock::time_point now) {
  if (!enabled()) return false;
  if (pinged_ && now - last_ping_ < interval_) return false;
  last_ping_ = now;
  pinged_ = true;
  return notify_watchdog();
}

std::chrono::milliseconds WatchdogKeepAlive::poll_timeout(std::chrono::milliseconds loop_timeout,
                                                          Clock::time_point now) const {
  if (!enabled()) return loop_timeout;
  if (!pinged_) return std::chrono::milliseconds(0);
  auto due = std::chrono::duration_cast<std::chrono::milliseconds>(last_ping_ + interval_ - now);
  return std::clamp(due, std::chrono::milliseconds(0), loop_timeout);
}

}  // namespace ktrdr::net
