// The dashboard's terminal: raw mode (termios), alternate screen, hidden cursor, restored on every way
// out: normal return, exceptions (RAII), SIGINT/SIGTERM/SIGHUP/SIGQUIT (a quit flag the loop checks),
// crashes (SIGSEGV/SIGABRT/... restore, then die as before) and Ctrl-Z (restore, stop, re-enter on fg).
#pragma once

#include <string>
#include <utility>

namespace ktrdr::cli {

enum class Key { kNone, kUp, kDown, kPageUp, kPageDown, kHome, kEnd, kEscape, kEnter, kChar };

struct KeyPress {
  Key key = Key::kNone;
  char ch = 0;  // for kChar
};

class TopTerminal {
 public:
  // Throws ktrdr::Error when stdin/stdout is not a terminal.
  TopTerminal();
  ~TopTerminal();
  TopTerminal(const TopTerminal&) = delete;
  TopTerminal& operator=(const TopTerminal&) = delete;

  // Columns and rows of the terminal now.
  std::pair<int, int> size() const;
  // Replaces the screen with `frame` (lines joined by "\r\n"), in one write.
  void draw(const std::string& frame);
  // Keys waiting on stdin (non-blocking).
  std::string read_input();

  static bool quit_requested();  // a terminating signal arrived
  static bool take_resized();    // SIGWINCH since the last call
  // After a Ctrl-Z and `fg`: puts the terminal back into dashboard mode. Returns true when it did.
  bool resume_if_continued();
};

// Splits raw input bytes into key presses (arrows as ESC [ A / ESC O A, etc.).
std::pair<KeyPress, std::size_t> parse_key(const std::string& input, std::size_t pos);

}  // namespace ktrdr::cli
