#include "ktrdr/common/log.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>

#include "ktrdr/common/time.h"

namespace ktrdr::log {
namespace {
// Process-wide settings of the logger itself; atomics, so no lock is needed to read them.
std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
constexpr int kFormatUnset = -1;
std::atomic<int> g_format{kFormatUnset};

char level_letter(Level lvl) {
  switch (lvl) {
    case Level::kError:
      return 'E';
    case Level::kWarning:
      return 'W';
    case Level::kInfo:
      return 'I';
    case Level::kDebug:
      return 'D';
  }
  return '?';
}

}  // namespace

void set_level(Level lvl) {
  g_level.store(static_cast<int>(lvl));
}
Level level() {
  return static_cast<Level>(g_level.load());
}
bool enabled(Level lvl) {
  return static_cast<int>(lvl) <= g_level.load();
}

Format detect_format(std::string_view journal_stream, int fd) {
  if (journal_stream.empty()) return Format::kTimestamped;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Format::kTimestamped;
  const std::string own = fmt::format("{}:{}", static_cast<unsigned long long>(st.st_dev),
                                      static_cast<unsigned long long>(st.st_ino));
  return journal_stream == own ? Format::kJournal : Format::kTimestamped;
}

void set_format(Format f) {
  g_format.store(static_cast<int>(f));
}

Format format() {
  int f = g_format.load();
  if (f == kFormatUnset) {
    // The logger is where the process meets its stderr: the one place that reads the environment for it.
    const char* env = std::getenv("JOURNAL_STREAM");
    const int detected = static_cast<int>(detect_format(env != nullptr ? env : "", STDERR_FILENO));
    g_format.compare_exchange_strong(f, detected);  // a concurrent set_format() wins
    f = g_format.load();
  }
  return static_cast<Format>(f);
}

std::string format_line(Level lvl, Format fmt_kind, int64_t unix_ns, std::string_view message) {
  if (fmt_kind == Format::kJournal) return fmt::format("<{}>{}", static_cast<int>(lvl), message);
  const int64_t secs =
      unix_ns >= 0 ? unix_ns / kNanosPerSecond : (unix_ns - kNanosPerSecond + 1) / kNanosPerSecond;
  const int64_t millis = (unix_ns - secs * kNanosPerSecond) / 1'000'000;
  std::string stamp = format_iso_utc(secs * kNanosPerSecond);  // "YYYY-MM-DDTHH:MM:SSZ"
  stamp.pop_back();
  return fmt::format("{}.{:03}Z {}: {}", stamp, millis, level_letter(lvl), message);
}

void write(Level lvl, std::string_view message) {
  const int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  std::string line = format_line(lvl, format(), now_ns, message);
  line += '\n';
  // one write(2) per line keeps lines from different threads whole
  ssize_t rc = ::write(STDERR_FILENO, line.data(), line.size());
  (void)rc;
}

}  // namespace ktrdr::log
