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

// Exactly ctx.rows lines (fewer when there is less to show and ctx.rows <= 0), each at most ctx.cols
// visible characters (escape sequences excluded), without newlines.
std::vector<std::string> render_top(const TopState& state, const TopViewContext& ctx);

// Cuts `line` to `cols` visible characters (UTF-8 aware, ANSI CSI sequences kept and not counted) and pads
// it with spaces to exactly `cols`.
std::string fit_line(const std::string& line, int cols);

}  // namespace ktrdr::cli
