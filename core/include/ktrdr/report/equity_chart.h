// A backtest result as a picture: a self-contained SVG (no scripts, fonts or network) that any
// browser opens. `ktrdr-backtest run --plot` and `ktrdr-submit results OP --plot` write it.
#pragma once

#include <cstddef>
#include <string>

namespace ktrdr::report {

struct ChartOptions {
  int width_px = 1000;        // whole image, margins included; at least 320
  int height_px = 560;        // at least 240
  std::string title;          // empty: "<strategy_name> - <symbol> <timeframe>"
  bool show_drawdown = true;  // shade the area between the running peak and the equity
  bool show_trades = true;    // entry/exit triangles per closed trade
  // Longer equity curves are thinned to this many points, keeping each bucket's low and high so that
  // drawdowns stay visible (a 5-year 1-minute run is 1.8 M points). 0 keeps every point.
  size_t max_points = 4000;

  void validate() const;  // throws ktrdr::Error naming the bad value
};

// Renders the equity curve of a result JSON (as written by `ktrdr-backtest run --output` or
// `ktrdr-submit results OP --json`). The x axis is the bar index (no gaps for weekends), labelled
// with dates; the y axis is portfolio value. Elements carry ids/classes for tools and tests:
// path#equity (one point per kept equity point), polygon#drawdown, g#trades > g.trade.long|short
// (one per trade, holding path.entry and path.exit with a <title> tooltip), g#axis-x, g#axis-y.
// A result without equity points renders a frame that says so. Throws ktrdr::Error when the text is
// not a JSON object or the options are invalid.
std::string render_equity_svg(const std::string& result_json, const ChartOptions& options = {});

}  // namespace ktrdr::report
