#include "ktrdr/report/equity_chart.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "ktrdr/common/error.h"
#include "ktrdr/common/time.h"
#include "number_format.h"
#include "result_view.h"

namespace ktrdr::report {
namespace {

using detail::xml_escape;

constexpr const char* kEquityColour = "#1f4e99";
constexpr const char* kDrawdownColour = "#d62728";
constexpr const char* kLongColour = "#1a9850";
constexpr const char* kShortColour = "#e66101";
constexpr const char* kGridColour = "#e3e3e3";
constexpr const char* kTextColour = "#333333";
constexpr double kMarginLeft = 84, kMarginRight = 24, kMarginTop = 84, kMarginBottom = 44;

// Indices of the points to draw: every point, or per bucket the first, lowest, highest and last
// (in order, without repeats) so that peaks and troughs survive the thinning.
std::vector<size_t> kept_indices(const std::vector<detail::EquityPoint>& eq, size_t max_points) {
  std::vector<size_t> idx;
  const size_t n = eq.size();
  if (max_points == 0 || n <= max_points) {
    idx.resize(n);
    for (size_t i = 0; i < n; ++i) idx[i] = i;
    return idx;
  }
  const size_t buckets = std::max<size_t>(1, max_points / 4);
  for (size_t b = 0; b < buckets; ++b) {
    const size_t lo = b * n / buckets, hi = (b + 1) * n / buckets;  // [lo, hi)
    if (lo >= hi) continue;
    size_t imin = lo, imax = lo;
    for (size_t i = lo; i < hi; ++i) {
      if (eq[i].portfolio_value < eq[imin].portfolio_value) imin = i;
      if (eq[i].portfolio_value > eq[imax].portfolio_value) imax = i;
    }
    size_t picks[] = {lo, std::min(imin, imax), std::max(imin, imax), hi - 1};
    for (const size_t p : picks) {
      if (idx.empty() || idx.back() < p) idx.push_back(p);
    }
  }
  return idx;
}

// A "nice" tick step (1, 2 or 5 x 10^k) giving about `target` intervals over `span`.
double nice_step(double span, int target) {
  if (!(span > 0)) return 1.0;
  const double raw = span / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double step = norm < 1.5 ? 1 : norm < 3.5 ? 2 : norm < 7.5 ? 5 : 10;
  return step * mag;
}

std::string value_label(double v, double step) {
  const int decimals = step >= 1 ? 0 : std::min(6, static_cast<int>(std::ceil(-std::log10(step))));
  return detail::grouped(v, decimals);
}

// "2023-01-05" for multi-day spans, "01-05 14:00" for shorter ones.
std::string date_label(const detail::EquityPoint& p, bool with_time) {
  if (!p.ts_ns) return p.timestamp;
  const std::string iso = format_iso_utc(*p.ts_ns);  // YYYY-MM-DDTHH:MM:SSZ
  return with_time ? iso.substr(5, 5) + " " + iso.substr(11, 5) : iso.substr(0, 10);
}

// First equity index whose timestamp is >= ts (the bar a fill belongs to); nullopt without timestamps.
std::optional<size_t> index_at(const std::vector<detail::EquityPoint>& eq, std::optional<int64_t> ts) {
  if (!ts || eq.empty()) return std::nullopt;
  const auto it = std::lower_bound(eq.begin(), eq.end(), *ts, [](const detail::EquityPoint& p, int64_t t) {
    return p.ts_ns.value_or(INT64_MIN) < t;
  });
  if (it == eq.end()) return eq.size() - 1;
  return static_cast<size_t>(it - eq.begin());
}

// A triangle of half-width s centred at (x, y), pointing up or down.
std::string triangle(double x, double y, double s, bool up) {
  const double tip = up ? y - s : y + s, base = up ? y + s * 0.8 : y - s * 0.8;
  return fmt::format("M{:.1f},{:.1f}L{:.1f},{:.1f}L{:.1f},{:.1f}Z", x, tip, x - s, base, x + s, base);
}

class Canvas {
 public:
  Canvas(double width, double height, size_t n_points, double y_lo, double y_hi)
      : width_(width), height_(height), n_(n_points), y_lo_(y_lo), y_hi_(y_hi) {}
  double left() const { return kMarginLeft; }
  double right() const { return width_ - kMarginRight; }
  double top() const { return kMarginTop; }
  double bottom() const { return height_ - kMarginBottom; }
  double x(size_t i) const {
    if (n_ <= 1) return (left() + right()) / 2;
    return left() + (right() - left()) * static_cast<double>(i) / static_cast<double>(n_ - 1);
  }
  double y(double v) const { return bottom() - (bottom() - top()) * (v - y_lo_) / (y_hi_ - y_lo_); }

 private:
  double width_, height_;
  size_t n_;
  double y_lo_, y_hi_;
};

std::string subtitle(const detail::ResultView& r) {
  std::vector<std::string> parts;
  if (!r.start_date.empty() || !r.end_date.empty()) {
    parts.push_back(fmt::format("{} .. {}", r.start_date.substr(0, 10), r.end_date.substr(0, 10)));
  }
  if (const auto v = r.metric("total_return_pct")) parts.push_back("return " + detail::percent(*v, 2, true));
  if (const auto v = r.metric("sharpe_ratio")) parts.push_back("Sharpe " + detail::ratio(*v, 2));
  if (const auto v = r.metric("max_drawdown_pct")) parts.push_back("max DD " + detail::percent(*v, 2));
  if (const auto v = r.metric("total_trades")) parts.push_back(fmt::format("{} trades", std::llround(*v)));
  if (const auto v = r.metric("win_rate")) parts.push_back("win " + detail::percent(*v, 1));
  if (const auto v = r.metric("profit_factor")) parts.push_back("PF " + detail::ratio(*v, 2));
  if (!r.mode.empty()) parts.push_back("mode " + r.mode);
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "  \u00b7  ") + p;
  return out;
}

std::string chart_title(const detail::ResultView& r, const ChartOptions& options) {
  if (!options.title.empty()) return options.title;
  std::string title = r.strategy_name.empty() ? "backtest" : r.strategy_name;
  if (!r.symbol.empty() || !r.timeframe.empty()) title += " - " + r.symbol + " " + r.timeframe;
  return title;
}

void append_header(std::string& svg, const ChartOptions& options, const std::string& title,
                   const detail::ResultView& r) {
  svg += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  svg += fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\" fill=\"{2}\">\n",
      options.width_px, options.height_px, kTextColour);
  svg += fmt::format("<title>{}</title>\n", xml_escape(title));
  svg += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n",
                     options.width_px, options.height_px);
  svg += fmt::format("<text id=\"title\" x=\"{}\" y=\"24\" font-size=\"17\" font-weight=\"bold\">{}</text>\n",
                     kMarginLeft, xml_escape(title));
  svg += fmt::format("<text id=\"subtitle\" x=\"{}\" y=\"44\" font-size=\"12\">{}</text>\n", kMarginLeft,
                     xml_escape(subtitle(r)));
}

// The value range shown: every equity point, widened to whole ticks (a flat curve gets a visible band).
struct ValueScale {
  double lo, hi, step;
};

ValueScale value_scale(const std::vector<detail::EquityPoint>& eq) {
  double lo = eq.front().portfolio_value, hi = lo;
  for (const auto& p : eq) {
    lo = std::min(lo, p.portfolio_value);
    hi = std::max(hi, p.portfolio_value);
  }
  if (hi - lo < 1e-9 * std::max(1.0, std::fabs(hi))) {
    const double pad = std::max(1.0, std::fabs(hi) * 0.01);
    lo -= pad;
    hi += pad;
  }
  const double step = nice_step(hi - lo, 6);
  return {std::floor(lo / step) * step, std::ceil(hi / step) * step, step};
}

// Grid lines and value labels.
void append_value_axis(std::string& svg, const Canvas& c, const ValueScale& s) {
  svg += "<g id=\"axis-y\" font-size=\"11\" text-anchor=\"end\">\n";
  for (double v = s.lo; v <= s.hi + s.step * 0.5; v += s.step) {
    const double y = c.y(v);
    svg += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\"/>\n",
                       c.left(), y, c.right(), y, kGridColour);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", c.left() - 6, y + 4,
                       value_label(v, s.step));
  }
  svg += "</g>\n";
}

// Date axis: about one label per 120 px, at bar indices; the end labels stay inside the image.
void append_date_axis(std::string& svg, const Canvas& c, const std::vector<detail::EquityPoint>& eq) {
  const bool with_time =
      eq.front().ts_ns && eq.back().ts_ns && *eq.back().ts_ns - *eq.front().ts_ns < 3 * kNanosPerDay;
  const size_t n_labels = std::clamp<size_t>(static_cast<size_t>((c.right() - c.left()) / 120), 2, 12);
  svg += "<g id=\"axis-x\" font-size=\"11\" text-anchor=\"middle\">\n";
  svg += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#999999\"/>\n",
                     c.left(), c.bottom(), c.right(), c.bottom());
  size_t last_label = SIZE_MAX;
  for (size_t k = 0; k < n_labels; ++k) {
    const size_t i = eq.size() == 1 ? 0 : k * (eq.size() - 1) / (n_labels - 1);
    if (i == last_label) continue;
    last_label = i;
    const double x = c.x(i);
    svg += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#999999\"/>\n",
                       x, c.bottom(), x, c.bottom() + 4);
    const char* anchor = k == 0 ? "start" : k + 1 == n_labels ? "end" : "middle";
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\">{}</text>\n", x, c.bottom() + 18,
                       anchor, xml_escape(date_label(eq[i], with_time)));
  }
  svg += "</g>\n";
}

// Drawdown: along the running peak, then back along the equity. Where the equity breaks above the old peak
// between two drawn points, the peak edge turns at the crossing so no sliver is shaded.
void append_drawdown(std::string& svg, const Canvas& c, const std::vector<detail::EquityPoint>& eq,
                     const std::vector<size_t>& keep) {
  std::vector<double> peak(eq.size());  // running peak over every point, not only the drawn ones
  double running = eq.front().portfolio_value;
  for (size_t i = 0; i < eq.size(); ++i) {
    running = std::max(running, eq[i].portfolio_value);
    peak[i] = running;
  }
  svg += fmt::format("<polygon id=\"drawdown\" fill=\"{}\" fill-opacity=\"0.22\" stroke=\"none\" points=\"",
                     kDrawdownColour);
  for (size_t k = 0; k < keep.size(); ++k) {
    const size_t i = keep[k];
    if (k > 0) {
      const size_t j = keep[k - 1];
      const double old_peak = peak[j], from = eq[j].portfolio_value, to = eq[i].portfolio_value;
      if (to > old_peak && old_peak > from) {
        const double f = (old_peak - from) / (to - from);
        svg += fmt::format("{:.1f},{:.1f} ", c.x(j) + f * (c.x(i) - c.x(j)), c.y(old_peak));
      }
    }
    svg += fmt::format("{:.1f},{:.1f} ", c.x(i), c.y(peak[i]));
  }
  for (auto it = keep.rbegin(); it != keep.rend(); ++it) {
    svg += fmt::format("{:.1f},{:.1f} ", c.x(*it), c.y(eq[*it].portfolio_value));
  }
  svg.back() = '"';
  svg += "><title>drawdown from the running peak</title></polygon>\n";
}

void append_equity_line(std::string& svg, const Canvas& c, const std::vector<detail::EquityPoint>& eq,
                        const std::vector<size_t>& keep) {
  svg += fmt::format(
      "<path id=\"equity\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\" "
      "stroke-linejoin=\"round\" d=\"",
      kEquityColour);
  bool first = true;
  for (const size_t i : keep) {
    svg += fmt::format("{}{:.1f},{:.1f}", first ? "M" : "L", c.x(i), c.y(eq[i].portfolio_value));
    first = false;
  }
  svg += "\"/>\n";
}

// Entry = filled triangle (up for long, down for short), exit = hollow triangle the other way; `s` is the
// triangles' half-width.
void append_trades(std::string& svg, const Canvas& c, const detail::ResultView& r, double s) {
  const auto& eq = r.equity;
  svg += "<g id=\"trades\">\n";
  for (const auto& t : r.trades) {
    const auto ie = index_at(eq, t.entry_ts_ns), ix = index_at(eq, t.exit_ts_ns);
    if (!ie && !ix) continue;
    const char* colour = t.is_long ? kLongColour : kShortColour;
    const char* side = t.is_long ? "long" : "short";
    svg += fmt::format("<g class=\"trade {}\">\n", side);
    svg += fmt::format("<title>#{} {} entry {} @ {}, exit {} @ {}, qty {}, net P&amp;L {}</title>\n",
                       xml_escape(t.trade_id), t.is_long ? "LONG" : "SHORT", xml_escape(t.entry_time),
                       detail::grouped(t.entry_price, 5), xml_escape(t.exit_time),
                       detail::grouped(t.exit_price, 5), detail::grouped(t.quantity, 4),
                       detail::grouped(t.net_pnl, 2, true));
    if (ie) {
      const double y = c.y(eq[*ie].portfolio_value) + (t.is_long ? s * 1.6 : -s * 1.6);
      svg += fmt::format("<path class=\"entry\" d=\"{}\" fill=\"{}\" stroke=\"{}\"/>\n",
                         triangle(c.x(*ie), y, s, t.is_long), colour, colour);
    }
    if (ix) {
      const double y = c.y(eq[*ix].portfolio_value) + (t.is_long ? -s * 1.6 : s * 1.6);
      svg +=
          fmt::format("<path class=\"exit\" d=\"{}\" fill=\"#ffffff\" stroke=\"{}\" stroke-width=\"1.4\"/>\n",
                      triangle(c.x(*ix), y, s, !t.is_long), colour);
    }
    svg += "</g>\n";
  }
  svg += "</g>\n";
}

// Legend, between the subtitle and the plot.
void append_legend(std::string& svg) {
  const double lx = kMarginLeft, ly = 66;
  svg += "<g id=\"legend\" font-size=\"11\">\n";
  svg += fmt::format(
      "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" stroke-width=\"2\"/>"
      "<text x=\"{:.1f}\" y=\"{:.1f}\">equity</text>\n",
      lx, ly - 4, lx + 18, ly - 4, kEquityColour, lx + 22, ly);
  svg += fmt::format(
      "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"9\" fill=\"{}\" fill-opacity=\"0.22\"/>"
      "<text x=\"{:.1f}\" y=\"{:.1f}\">drawdown</text>\n",
      lx + 70, ly - 9, kDrawdownColour, lx + 88, ly);
  svg += fmt::format("<path d=\"{}\" fill=\"{}\"/><text x=\"{:.1f}\" y=\"{:.1f}\">long</text>\n",
                     triangle(lx + 156, ly - 4, 4.5, true), kLongColour, lx + 164, ly);
  svg += fmt::format("<path d=\"{}\" fill=\"{}\"/><text x=\"{:.1f}\" y=\"{:.1f}\">short</text>\n",
                     triangle(lx + 206, ly - 4, 4.5, false), kShortColour, lx + 214, ly);
  svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"#777777\">filled entry, hollow exit</text>\n",
                     lx + 252, ly);
  svg += "</g>\n";
}

}  // namespace

void ChartOptions::validate() const {
  KTRDR_REQUIRE(width_px >= 320, "chart width must be >= 320 px (got {})", width_px);
  KTRDR_REQUIRE(height_px >= 240, "chart height must be >= 240 px (got {})", height_px);
  KTRDR_REQUIRE(max_points == 0 || max_points >= 8, "chart max_points must be 0 (all) or >= 8 (got {})",
                max_points);
}

std::string render_equity_svg(const std::string& result_json, const ChartOptions& options) {
  options.validate();
  const detail::ResultView r = detail::read_result(result_json);
  const auto& eq = r.equity;
  const double w = options.width_px, h = options.height_px;

  std::string svg;
  svg.reserve(4096 + eq.size() * 32 + r.trades.size() * 400);
  append_header(svg, options, chart_title(r, options), r);
  if (eq.empty()) {
    svg += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" font-size=\"14\">no equity points in this "
        "result</text>\n</svg>\n",
        w / 2, h / 2);
    return svg;
  }
  const std::vector<size_t> keep = kept_indices(eq, options.max_points);
  const ValueScale scale = value_scale(eq);
  const Canvas c(w, h, eq.size(), scale.lo, scale.hi);
  append_value_axis(svg, c, scale);
  append_date_axis(svg, c, eq);
  if (options.show_drawdown) append_drawdown(svg, c, eq, keep);
  append_equity_line(svg, c, eq, keep);
  if (options.show_trades) append_trades(svg, c, r, std::clamp(w / 200.0, 3.5, 6.0));
  append_legend(svg);
  svg += "</svg>\n";
  return svg;
}

}  // namespace ktrdr::report
