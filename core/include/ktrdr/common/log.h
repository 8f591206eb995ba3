// One logging approach for the whole project: one stderr line per event.
// Under journald (stderr is the stream named by $JOURNAL_STREAM) lines carry sd-daemon prefixes
// (<3> error, <4> warning, <6> info, <7> debug) and journald adds the timestamps; anywhere else (a terminal,
// a log file, a pipe) they start with a UTC timestamp and the level letter:
//   2025-01-02T13:04:05.123Z W: job op_... resumed at bar 1200
// Never log per bar: progress goes over PUB.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace ktrdr::log {

enum class Level { kError = 3, kWarning = 4, kInfo = 6, kDebug = 7 };
enum class Format { kJournal, kTimestamped };

// Lines below this level are dropped (default: info).
void set_level(Level level);
Level level();
bool enabled(Level level);

// kJournal when `journal_stream` (the value of $JOURNAL_STREAM, "" when unset) is "<device>:<inode>" of the
// file `fd` refers to, as systemd documents: the variable is inherited by children whose stderr goes
// elsewhere, so its presence alone is not enough. kTimestamped otherwise.
Format detect_format(std::string_view journal_stream, int fd);
// The format write() uses: detected once from $JOURNAL_STREAM and stderr on first use, unless set before.
void set_format(Format format);
Format format();
// One line as write() prints it, without the newline; `unix_ns` is the event time (kTimestamped only).
std::string format_line(Level level, Format format, int64_t unix_ns, std::string_view message);

// Writes one line to stderr in format(). Thread-safe (one write per line).
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
