// One logging approach for the whole project: one stderr line per event.
// Daemons under journald get sd-daemon prefixes (<3> error, <4> warning, <6> info, <7> debug);
// on a TTY the prefixes are E:/W:/I:/D:. Never log per bar: progress goes over PUB.
#pragma once

#include <string_view>

#include <fmt/format.h>

namespace ktrdr::log {

enum class Level { kError = 3, kWarning = 4, kInfo = 6, kDebug = 7 };

// Lines below this level are dropped (default: info).
void set_level(Level level);
Level level();
bool enabled(Level level);
// Writes one line to stderr with the level prefix. Thread-safe (one write per line).
void write(Level level, std::string_view message);

template <typename... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
  write(Level::kError, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::kWarning)) write(Level::kWarning, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::kInfo)) write(Level::kInfo, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::kDebug)) write(Level::kDebug, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace ktrdr::log
