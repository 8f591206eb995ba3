#include "ktrdr/common/log.h"

#include <unistd.h>

#include <atomic>
#include <string>

namespace ktrdr::log {
namespace {
// Process-wide settings of the logger itself; atomics, so no lock is needed to read them.
std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
}  // namespace

void set_level(Level lvl) { g_level.store(static_cast<int>(lvl)); }
Level level() { return static_cast<Level>(g_level.load()); }
bool enabled(Level lvl) { return static_cast<int>(lvl) <= g_level.load(); }

void write(Level lvl, std::string_view message) {
  static const bool tty = ::isatty(STDERR_FILENO) == 1;
  std::string line;
  line.reserve(message.size() + 5);
  if (tty) {
    switch (lvl) {
      case Level::kError: line += "E: "; break;
      case Level::kWarning: line += "W: "; break;
      case Level::kInfo: line += "I: "; break;
      case Level::kDebug: line += "D: "; break;
    }
  } else {
    line += fmt::format("<{}>", static_cast<int>(lvl));
  }
  line += message;
  line += '\n';
  // one write(2) per line keeps lines from different threads whole
  ssize_t rc = ::write(STDERR_FILENO, line.data(), line.size());
  (void)rc;
}

}  // namespace ktrdr::log
