#include "ktrdr/report/equity_chart.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "ktrdr/common/error.h"
#include "sample_result.h"
#include "svg_checker.h"

namespace {

using ktrdr::test::parse_xml;
using ktrdr::test::XmlElement;

const XmlElement* find_id(const XmlElement& root, const std::string& id) {
  const XmlElement* found = nullptr;
  root.visit([&](const XmlElement& e) {
    if (!found && e.attr("id") == id) found = &e;
  });
  return found;
}

std::vector<const XmlElement*> find_all(const XmlElement& root, const std::string& name,
                                        const std::string& cls) {
  std::vector<const XmlElement*> out;
  root.visit([&](const XmlElement& e) {
    if (e.name == name && e.has_class(cls)) out.push_back(&e);
  });
  return out;
}

struct Point {
  double x, y;
};

// "M1,2L3,4L5,6" -> {(1,2),(3,4),(5,6)}; requires exactly one M, first.
std::vector<Point> path_points(const std::string& d) {
  std::vector<Point> pts;
  size_t i = 0;
  while (i < d.size()) {
    const char cmd = d[i++];
    REQUIRE_MESSAGE((cmd == 'M') == pts.empty(), "M only first, at ", i);
    REQUIRE((cmd == 'M' || cmd == 'L'));
    size_t used = 0;
    const double x = std::stod(d.substr(i), &used);
    i += used;
    REQUIRE(d[i] == ',');
    ++i;
    const double y = std::stod(d.substr(i), &used);
    i += used;
    pts.push_back({x, y});
  }
  return pts;
}

// "M..L..L..Z" -> the same without the closing Z
std::string strip_close(const std::string& d) {
  REQUIRE(!d.empty());
  REQUIRE(d.back() == 'Z');
  return d.substr(0, d.size() - 1);
}

// The first point of a marker triangle is its tip, centred on the bar's x.
Point triangle_tip(const std::string& d) {
  return path_points(strip_close(d)).front();
}

std::vector<Point> polygon_points(const std::string& pts) {
  std::vector<Point> out;
  size_t i = 0;
  while (i < pts.size()) {
    size_t used = 0;
    const double x = std::stod(pts.substr(i), &used);
    i += used;
    REQUIRE(pts[i] == ',');
    ++i;
    const double y = std::stod(pts.substr(i), &used);
    i += used;
    out.push_back({x, y});
    while (i < pts.size() && pts[i] == ' ') ++i;
  }
  return out;
}

std::string all_text(const XmlElement& e) {
  std::string t;
  e.visit([&](const XmlElement& x) { t += x.text + "\n"; });
  return t;
}

// An equity curve of n hourly points: a slow rise with a dip to `low` at `low_at` and a spike to
// `high` at `high_at`.
std::string synthetic_result(size_t n, size_t low_at, double low, size_t high_at, double high) {
  std::string eq;
  for (size_t i = 0; i < n; ++i) {
    double v = 100000.0 + static_cast<double>(i) * 0.5;
    if (i == low_at) v = low;
    if (i == high_at) v = high;
    eq += fmt::format(
        "{}{{\"timestamp\":\"2020-01-{:02}T{:02}:00:00Z\",\"portfolio_value\":{},\"position\":\"FLAT\"}}",
        i ? "," : "", 1 + (i / 24) % 28, i % 24, v);
  }
  return fmt::format(
      R"({{"strategy_name":"s","symbol":"X","timeframe":"1h","metrics":{{}},"trades":[],"equity_curve":[{}]}})",
      eq);
}

}  // namespace

TEST_CASE("svg checker rejects broken documents") {
  CHECK_NOTHROW(parse_xml("<?xml version=\"1.0\"?>\n<svg a=\"1\"><g/><text>a &amp; b</text></svg>\n"));
  CHECK_THROWS(parse_xml("<svg><g></svg>"));
  CHECK_THROWS(parse_xml("<svg><g/>"));
  CHECK_THROWS(parse_xml("<svg a=1></svg>"));
  CHECK_THROWS(parse_xml("<svg><text>a & b</text></svg>"));
  CHECK_THROWS(parse_xml("<svg/><svg/>"));
  CHECK_THROWS(parse_xml("<svg x=\"1\" x=\"2\"/>"));
}

TEST_CASE("equity chart - well-formed standalone svg with a viewBox") {
  const std::string svg = ktrdr::report::render_equity_svg(ktrdr::test::kSampleResult);
  const auto root = parse_xml(svg);
  CHECK(root->name == "svg");
  CHECK(root->attr("xmlns") == "http://www.w3.org/2000/svg");
  CHECK(root->attr("viewBox") == "0 0 1000 560");
  CHECK(root->attr("width") == "1000");
  CHECK(root->attr("height") == "560");
  // self-contained: no scripts, no external references
  CHECK(svg.find("<script") == std::string::npos);
  CHECK(svg.find("href") == std::string::npos);
  CHECK(svg.find("http://", svg.find("http://www.w3.org/2000/svg") + 10) == std::string::npos);
}

TEST_CASE("equity chart - one path point per equity point from left to right with the highest value on top") {
  const auto root = parse_xml(ktrdr::report::render_equity_svg(ktrdr::test::kSampleResult));
  const XmlElement* equity = find_id(*root, "equity");
  REQUIRE(equity != nullptr);
  CHECK(equity->name == "path");
  const auto pts = path_points(equity->attr("d"));
  REQUIRE(pts.size() == 6);
  CHECK(pts.front().x == doctest::Approx(84.0));  // left margin
  CHECK(pts.back().x == doctest::Approx(976.0));  // width - right margin
  for (size_t i = 1; i < pts.size(); ++i) CHECK(pts[i].x > pts[i - 1].x);
  // values 100000, 100500, 99800, 101000, 100700, 104321.5: screen y grows downwards
  CHECK(pts[2].y > pts[0].y);  // 99800 is the lowest
  for (size_t i = 0; i < 5; ++i) CHECK(pts[5].y < pts[i].y);
  CHECK(pts[1].y < pts[0].y);
}

TEST_CASE("equity chart - drawdown polygon runs along the peak and back along the equity") {
  const auto root = parse_xml(ktrdr::report::render_equity_svg(ktrdr::test::kSampleResult));
  const XmlElement* dd = find_id(*root, "drawdown");
  REQUIRE(dd != nullptr);
  CHECK(dd->name == "polygon");
  const auto poly = polygon_points(dd->attr("points"));
  // 6 peak points, 2 crossings where the equity breaks the old peak between drawn points, 6 equity points
  REQUIRE(poly.size() == 14);
  const auto eq = path_points(find_id(*root, "equity")->attr("d"));
  // last 6 = equity reversed
  for (size_t i = 0; i < 6; ++i) {
    CHECK(poly[8 + i].x == doctest::Approx(eq[5 - i].x));
    CHECK(poly[8 + i].y == doctest::Approx(eq[5 - i].y));
  }
  // first 8 = running peak over values 100000, 100500, 99800, 101000, 100700, 104321.5
  const auto crossing_x = [&](size_t from, double v_from, double v_to, double level) {
    return eq[from].x + (level - v_from) / (v_to - v_from) * (eq[from + 1].x - eq[from].x);
  };
  CHECK(poly[0].y == doctest::Approx(eq[0].y));
  CHECK(poly[1].y == doctest::Approx(eq[1].y));
  CHECK(poly[2].x == doctest::Approx(eq[2].x));
  CHECK(poly[2].y == doctest::Approx(eq[1].y));  // peak 100500 above the 99800 trough
  CHECK(poly[2].y < eq[2].y);
  CHECK(poly[3].y == doctest::Approx(eq[1].y));  // the rise to 101000 crosses 100500 ...
  CHECK(poly[3].x == doctest::Approx(crossing_x(2, 99800.0, 101000.0, 100500.0)).epsilon(0.002));
  CHECK(poly[4].y == doctest::Approx(eq[3].y));
  CHECK(poly[5].y == doctest::Approx(eq[3].y));  // peak 101000 above 100700
  CHECK(poly[6].y == doctest::Approx(eq[3].y));  // the rise to 104321.5 crosses 101000 ...
  CHECK(poly[6].x == doctest::Approx(crossing_x(4, 100700.0, 104321.5, 101000.0)).epsilon(0.002));
  CHECK(poly[7].x == doctest::Approx(eq[5].x));
  CHECK(poly[7].y == doctest::Approx(eq[5].y));
  ktrdr::report::ChartOptions no_dd;
  no_dd.show_drawdown = false;
  CHECK(find_id(*parse_xml(ktrdr::report::render_equity_svg(ktrdr::test::kSampleResult, no_dd)),
                "drawdown") == nullptr);
}

TEST_CASE("equity chart - one marker group per trade with long and short coloured apart") {
  const auto root = parse_xml(ktrdr::report::render_equity_svg(ktrdr::test::kSampleResult));
  REQUIRE(find_id(*root, "trades") != nullptr);
  const auto trades = find_all(*root, "g", "trade");
  REQUIRE(trades.size() == 2);
  CHECK(trades[0]->has_class("long"));
  CHECK(trades[1]->has_class("short"));
  const auto eq = path_points(find_id(*root, "equity")->attr("d"));
  for (const XmlElement* t : trades) {
    const auto entries = find_all(*t, "path", "entry");
    const auto exits = find_all(*t, "path", "exit");
    REQUIRE(entries.size() == 1);
    REQUIRE(exits.size() == 1);
    CHECK(entries[0]->attr("fill") == entries[0]->attr("stroke"));  // entry filled
    CHECK(exits[0]->attr("fill") == "#ffffff");                     // exit hollow
  }
  CHECK(find_all(*trades[0], "path", "entry")[0]->attr("fill") !=
        find_all(*trades[1], "path", "entry")[0]->attr("fill"));
  // the long entered at bar 1 and left at bar 3: triangles centred on those bars
  CHECK(triangle_tip(find_all(*trades[0], "path", "entry")[0]->attr("d")).x == doctest::Approx(eq[1].x));
  CHECK(triangle_tip(find_all(*trades[0], "path", "exit")[0]->attr("d")).x == doctest::Approx(eq[3].x));
  CHECK(triangle_tip(find_all(*trades[1], "path", "entry")[0]->attr("d")).x == doctest::Approx(eq[4].x));
  CHECK(triangle_tip(find_all(*trades[1], "path", "exit")[0]->attr("d")).x == doctest::Approx(eq[5].x));
  // long entries point up (tip above the base), short entries point down
  const auto long_tri = path_points(strip_close(find_all(*trades[0], "path", "entry")[0]->attr("d")));
  const auto short_tri = path_points(strip_close(find_all(*trades[1], "path", "entry")[0]->attr("d")));
  CHECK(long_tri[0].y < long_tri[1].y);
  CHECK(short_tri[0].y > short_tri[1].y);
  // tooltips say what the trade was
  const std::string tip = all_text(*trades[1]);
  CHECK(tip.find("#2 SHORT entry 2023-01-02T04:00:00Z @ 1.07600, exit 2023-01-02T05:00:00Z @ 1.07410") !=
        std::string::npos);
  CHECK(tip.find("net P&L +420.25") == std::string::npos);  // raw text keeps the entity
  CHECK(tip.find("net P&amp;L +420.25") != std::string::npos);
  ktrdr::report::ChartOptions no_trades;
  no_trades.show_trades = false;
  CHECK(find_all(*parse_xml(ktrdr::report::render_equity_svg(ktrdr::test::kSampleResult, no_trades)), "g",
                 "trade")
            .empty());
}

TEST_CASE("equity chart - title and key metrics and axes") {
  const auto root = parse_xml(ktrdr::report::render_equity_svg(ktrdr::test::kSampleResult));
  REQUIRE(find_id(*root, "title") != nullptr);
  CHECK(find_id(*root, "title")->text == "example_mlp - EURUSD 1h");
  const std::string sub = find_id(*root, "subtitle")->text;
  CHECK(sub.find("2023-01-02 .. 2023-06-30") != std::string::npos);
  CHECK(sub.find("return +4.32 %") != std::string::npos);
  CHECK(sub.find("Sharpe 1.23") != std::string::npos);
  CHECK(sub.find("max DD 2.35 %") != std::string::npos);
  CHECK(sub.find("42 trades") != std::string::npos);
  CHECK(sub.find("win 59.5 %") != std::string::npos);
  // a 5-hour span is labelled with times; the value axis spans the data in round steps
  const std::string xs = all_text(*find_id(*root, "axis-x"));
  CHECK(xs.find("01-02 00:00") != std::string::npos);
  CHECK(xs.find("01-02 05:00") != std::string::npos);
  const std::string ys = all_text(*find_id(*root, "axis-y"));
  CHECK(ys.find("99,000") != std::string::npos);
  CHECK(ys.find("105,000") != std::string::npos);
}

TEST_CASE("equity chart - long curves are thinned but keep their extremes") {
  const size_t n = 20000;
  const std::string json = synthetic_result(n, 7777, 90000.0, 12345, 125000.0);
  ktrdr::report::ChartOptions opt;
  opt.max_points = 400;
  const auto root = parse_xml(ktrdr::report::render_equity_svg(json, opt));
  const auto pts = path_points(find_id(*root, "equity")->attr("d"));
  CHECK(pts.size() <= 400);
  CHECK(pts.size() >= 200);  // at least first and last of each of the 100 buckets
  const auto [lo, hi] =
      std::minmax_element(pts.begin(), pts.end(), [](Point a, Point b) { return a.y < b.y; });
  // the dip and the spike are the extreme screen positions (spike on top, dip at the bottom)
  opt.max_points = 0;
  const auto full =
      path_points(find_id(*parse_xml(ktrdr::report::render_equity_svg(json, opt)), "equity")->attr("d"));
  CHECK(full.size() == n);
  const auto [flo, fhi] =
      std::minmax_element(full.begin(), full.end(), [](Point a, Point b) { return a.y < b.y; });
  CHECK(lo->y == doctest::Approx(flo->y));
  CHECK(hi->y == doctest::Approx(fhi->y));
  CHECK(pts.front().x == doctest::Approx(full.front().x));
  CHECK(pts.back().x == doctest::Approx(full.back().x));
}

TEST_CASE("equity chart - names are escaped and empty results render and bad input is an error") {
  const std::string evil =
      R"({"strategy_name":"a<b & \"c\"","symbol":"X","timeframe":"1d","metrics":{},"equity_curve":[]})";
  const std::string svg = ktrdr::report::render_equity_svg(evil);
  const auto root = parse_xml(svg);
  CHECK(find_id(*root, "title")->text == "a&lt;b &amp; &quot;c&quot; - X 1d");
  CHECK(find_id(*root, "equity") == nullptr);
  CHECK(svg.find("no equity points") != std::string::npos);

  CHECK_THROWS_AS(ktrdr::report::render_equity_svg("{not json"), ktrdr::Error);
  CHECK_THROWS_AS(ktrdr::report::render_equity_svg("[1,2]"), ktrdr::Error);
  ktrdr::report::ChartOptions tiny;
  tiny.width_px = 100;
  CHECK_THROWS_WITH_AS(ktrdr::report::render_equity_svg(ktrdr::test::kSampleResult, tiny),
                       "chart width must be >= 320 px (got 100)", ktrdr::Error);
}
