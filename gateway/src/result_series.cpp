#include "ktrdr/gateway/result_series.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "ktrdr/common/error.h"

namespace ktrdr::gateway {
namespace {

using Json = nlohmann::json;

struct Point {
  std::string timestamp;
  double price = 0.0;
  double value = 0.0;
  std::string position;
  double drawdown = 0.0;
};

enum class Want { kTrades, kEquity };

struct Series {
  std::vector<Json> trades;
  std::vector<Point> points;
  std::size_t trade_count = 0;
};

std::string text_of(const Json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

double number_of(const Json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_number() ? it->get<double>() : 0.0;
}

// Reads one of the two series; elements of the other are dropped as soon as they are parsed. Trades before
// `keep_from` or past `keep_until` are counted but not kept.
Series read_series(const std::string& result_json, Want want, std::size_t keep_from = 0,
                   std::size_t keep_until = SIZE_MAX) {
  Series s;
  enum class In { kOther, kCurve, kTrades } in = In::kOther;
  Json root;
  try {
    root = Json::parse(result_json, [&](int depth, Json::parse_event_t event, Json& parsed) {
      if (depth == 1 && event == Json::parse_event_t::key) {
        in = parsed == "equity_curve" ? In::kCurve : parsed == "trades" ? In::kTrades : In::kOther;
        return true;
      }
      if (depth == 2 && in != In::kOther &&
          (event == Json::parse_event_t::object_end || event == Json::parse_event_t::array_end ||
           event == Json::parse_event_t::value)) {
        if (in == In::kCurve && want == Want::kEquity && parsed.is_object()) {
          s.points.push_back(Point{text_of(parsed, "timestamp"), number_of(parsed, "price"),
                                   number_of(parsed, "portfolio_value"), text_of(parsed, "position"), 0.0});
        } else if (in == In::kTrades && want == Want::kTrades) {
          if (s.trade_count >= keep_from && s.trade_count < keep_until) s.trades.push_back(std::move(parsed));
          ++s.trade_count;
        }
        return false;
      }
      return true;
    });
  } catch (const Json::exception& e) {
    KTRDR_FAIL("result JSON is unreadable: {}", e.what());
  }
  KTRDR_REQUIRE(root.is_object(), "result JSON must be an object (got {})", root.type_name());
  return s;
}

Json point_json(const Point& p) {
  return {{"timestamp", p.timestamp},
          {"price", p.price},
          {"portfolio_value", p.value},
          {"position", p.position},
          {"drawdown_pct", p.drawdown}};
}

}  // namespace

Json trades_page(const std::string& result_json, std::size_t offset, std::size_t limit) {
  const std::size_t until = limit == 0 || offset > SIZE_MAX - limit ? SIZE_MAX : offset + limit;
  Series s = read_series(result_json, Want::kTrades, offset, until);
  return {{"total", s.trade_count}, {"offset", offset}, {"trades", std::move(s.trades)}};
}

Json equity_series(const std::string& result_json, std::size_t max_points) {
  Series s = read_series(result_json, Want::kEquity);
  std::vector<Point>& pts = s.points;
  double peak = 0.0, max_dd = 0.0;
  for (Point& p : pts) {
    peak = std::max(peak, p.value);
    p.drawdown = peak > 0 ? (peak - p.value) / peak : 0.0;
    max_dd = std::max(max_dd, p.drawdown);
  }
  std::vector<std::size_t> keep;
  if (max_points == 0 || pts.size() <= max_points) {
    keep.resize(pts.size());
    for (std::size_t i = 0; i < pts.size(); ++i) keep[i] = i;
  } else {
    const std::size_t slices = std::max<std::size_t>(1, max_points / 3);
    keep.push_back(0);
    for (std::size_t k = 0; k < slices; ++k) {
      const std::size_t b = pts.size() * k / slices, e = pts.size() * (k + 1) / slices;
      if (b >= e) continue;
      std::size_t lo = b, hi = b, deep = b;
      for (std::size_t i = b; i < e; ++i) {
        if (pts[i].value < pts[lo].value) lo = i;
        if (pts[i].value > pts[hi].value) hi = i;
        if (pts[i].drawdown > pts[deep].drawdown) deep = i;
      }
      keep.insert(keep.end(), {lo, hi, deep});
    }
    keep.push_back(pts.size() - 1);
    std::sort(keep.begin(), keep.end());
    keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
  }
  Json points = Json::array();
  for (const std::size_t i : keep) points.push_back(point_json(pts[i]));
  return {{"total_points", pts.size()}, {"max_drawdown_pct", max_dd}, {"points", std::move(points)}};
}

}  // namespace ktrdr::gateway
