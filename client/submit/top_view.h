// Drawing the dashboard: the state as screen lines (ANSI colours optional), cut to the terminal size.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "top_state.h"

namespace ktrdr::cli {

struct TopViewContext {
  int cols = 120;
  int rows = 40;
  bool color = true;
  int64_t now_ns = 0;           // Unix epoch ns
  std::string broker_endpoint;  // shown in the header
  std::string progress_endpoint;
  int64_t broker_silent_ns = 0;  // > 0: no reply for this long (the header says so)
  std::string status;            // footer message (last action, prompt)
};

// Exactly ctx.rows lines (as many as there is to show when ctx.rows <= 0), each exactly ctx.cols visible
// characters (escape sequences excluded; at least 1), without newlines or other control characters. The
// layout needs 40 columns: a narrower terminal gets its lines cut.
std::vector<std::string> render_top(const TopState& state, const TopViewContext& ctx);

// Cuts `line` to `cols` visible characters (UTF-8 aware, ANSI CSI sequences kept and not counted) and pads
// it with spaces to exactly `cols`. Other control characters (newline, tab, CR) become one space each; a line
// that had escape sequences ends with a reset (ESC [0m).
std::string fit_line(const std::string& line, int cols);

}  // namespace ktrdr::cli
