#include "top_terminal.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ktrdr/common/error.h"

namespace ktrdr::cli {
namespace {

// Signal handlers can only reach process-wide state: the saved terminal settings and three flags.
// There is one terminal per process, so one TopTerminal at a time.
termios g_saved{};
volatile sig_atomic_t g_active = 0;
volatile sig_atomic_t g_quit = 0;
volatile sig_atomic_t g_resized = 0;
volatile sig_atomic_t g_continued = 0;

constexpr char kEnter[] = "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J";  // alternate screen, hide cursor, clear
constexpr char kLeave[] = "\x1b[0m\x1b[?25h\x1b[?1049l";        // reset colours, show cursor, main screen

// Async-signal-safe: write(2) and tcsetattr(3) only.
void restore_terminal() {
  if (!g_active) return;
  ssize_t rc = ::write(STDOUT_FILENO, kLeave, sizeof(kLeave) - 1);
  (void)rc;
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved);
  g_active = 0;
}

void enter_terminal() {
  termios raw = g_saved;
  raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO | IEXTEN);  // ISIG kept: Ctrl-C is SIGINT
  raw.c_iflag &= ~static_cast<tcflag_t>(IXON | ICRNL);
  raw.c_cc[VMIN] = 0;
  raw.c_cc[VTIME] = 0;
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
  ssize_t rc = ::write(STDOUT_FILENO, kEnter, sizeof(kEnter) - 1);
  (void)rc;
  g_active = 1;
}

void on_quit(int) {
  g_quit = 1;
}
void on_winch(int) {
  g_resized = 1;
}
void on_cont(int) {
  g_continued = 1;
}

void on_fatal(int sig) {
  restore_terminal();
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void on_stop(int) {
  const int saved_errno = errno;
  restore_terminal();
  ::signal(SIGTSTP, SIG_DFL);
  ::raise(SIGTSTP);  // stops here until SIGCONT
  errno = saved_errno;
}

void install(int sig, void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking poll returns EINTR and the loop looks at the flags
  ::sigaction(sig, &sa, nullptr);
}

}  // namespace

TopTerminal::TopTerminal() {
  KTRDR_REQUIRE(::isatty(STDIN_FILENO) == 1 && ::isatty(STDOUT_FILENO) == 1,
                "top needs a terminal on stdin and stdout; use `ktrdr-submit top --once` in scripts");
  KTRDR_REQUIRE(::tcgetattr(STDIN_FILENO, &g_saved) == 0, "cannot read the terminal settings: {}",
                std::strerror(errno));
  g_quit = 0;
  g_resized = 0;
  g_continued = 0;
  for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) install(sig, on_quit);
  for (const int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) install(sig, on_fatal);
  install(SIGWINCH, on_winch);
  install(SIGTSTP, on_stop);
  install(SIGCONT, on_cont);
  enter_terminal();
}

TopTerminal::~TopTerminal() {
  restore_terminal();
  for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGWINCH,
                        SIGTSTP, SIGCONT}) {
    ::signal(sig, SIG_DFL);
  }
}

std::pair<int, int> TopTerminal::size() const {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
    return {ws.ws_col, ws.ws_row};
  }
  return {80, 24};
}

void TopTerminal::draw(const std::string& frame) {
  std::string out = "\x1b[H";  // home; every line is padded to the width, so no clearing (no flicker)
  out += frame;
  out += "\x1b[J";
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

std::string TopTerminal::read_input() {
  std::string in;
  char buf[64];
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof(buf));
    if (n > 0) {
      in.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return in;
  }
}

bool TopTerminal::quit_requested() {
  return g_quit != 0;
}

bool TopTerminal::take_resized() {
  const bool r = g_resized != 0;
  g_resized = 0;
  return r;
}

bool TopTerminal::resume_if_continued() {
  if (!g_continued) return false;
  g_continued = 0;
  if (g_active) return false;  // SIGCONT without a stop
  install(SIGTSTP, on_stop);
  enter_terminal();
  return true;
}

std::pair<KeyPress, std::size_t> parse_key(const std::string& in, std::size_t pos) {
  const char c = in[pos];
  if (c == '\x1b') {
    if (pos + 2 < in.size() && (in[pos + 1] == '[' || in[pos + 1] == 'O')) {
      const char f = in[pos + 2];
      switch (f) {
        case 'A':
          return {{Key::kUp}, 3};
        case 'B':
          return {{Key::kDown}, 3};
        case 'H':
          return {{Key::kHome}, 3};
        case 'F':
          return {{Key::kEnd}, 3};
        default:
          break;
      }
      // ESC [ 5 ~ (page up), ESC [ 6 ~ (page down), others skipped up to their final byte
      std::size_t j = pos + 2;
      while (j < in.size() && !(in[j] >= 0x40 && in[j] <= 0x7e)) ++j;
      const std::size_t len = (j < in.size() ? j + 1 : j) - pos;
      if (in.compare(pos, len, "\x1b[5~") == 0) return {{Key::kPageUp}, len};
      if (in.compare(pos, len, "\x1b[6~") == 0) return {{Key::kPageDown}, len};
      return {{Key::kNone}, len};
    }
    return {{Key::kEscape}, 1};
  }
  if (c == '\r' || c == '\n') return {{Key::kEnter}, 1};
  return {{Key::kChar, c}, 1};
}

}  // namespace ktrdr::cli
