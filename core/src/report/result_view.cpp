#include "result_view.h"

#include "ktrdr/common/error.h"
#include "ktrdr/common/time.h"

namespace ktrdr::report::detail {
namespace {

using Json = nlohmann::ordered_json;

std::string text_of(const Json& obj, const char* key) {
  if (!obj.is_object()) return {};
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

double number_of(const Json& obj, const char* key) {
  if (!obj.is_object()) return 0.0;
  const auto it = obj.find(key);
  return it != obj.end() && it->is_number() ? it->get<double>() : 0.0;
}

std::optional<double> optional_number(const Json& obj, const char* key) {
  if (!obj.is_object()) return std::nullopt;
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::optional<int64_t> timestamp_of(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return try_parse_timestamp_ns(text);
}

}  // namespace

std::optional<double> ResultView::metric(const char* name) const {
  const auto it = doc.find("metrics");
  return it == doc.end() ? std::nullopt : optional_number(*it, name);
}

std::optional<double> ResultView::config_number(const char* name) const {
  const auto it = doc.find("config");
  return it == doc.end() ? std::nullopt : optional_number(*it, name);
}

ResultView read_result(const std::string& result_json, ResultParts parts) {
  ResultView v;
  std::optional<Json> last_point;  // kWithoutSeries: the last equity_curve element
  try {
    if (parts == ResultParts::kAll) {
      v.doc = Json::parse(result_json);
    } else {
      // Depth 1 = a key of the root object; its array's elements end at depth 2. Elements of the two
      // series are dropped as soon as they are parsed.
      enum class In { kOther, kCurve, kTrades } in = In::kOther;
      v.doc = Json::parse(result_json, [&](int depth, Json::parse_event_t event, Json& parsed) {
        if (depth == 1 && event == Json::parse_event_t::key) {
          in = parsed == "equity_curve" ? In::kCurve : parsed == "trades" ? In::kTrades : In::kOther;
          return true;
        }
        if (depth == 2 && in != In::kOther &&
            (event == Json::parse_event_t::object_end || event == Json::parse_event_t::array_end ||
             event == Json::parse_event_t::value)) {
          if (in == In::kCurve) {
            last_point = std::move(parsed);
            ++v.equity_points;
          } else {
            ++v.trade_count;
          }
          return false;
        }
        return true;
      });
    }
  } catch (const Json::exception& e) {
    KTRDR_FAIL("result JSON is unreadable: {}", e.what());
  }
  KTRDR_REQUIRE(v.doc.is_object(),
                "result JSON must be an object (got {}); pass the output of `results --json`",
                v.doc.type_name());
  v.strategy_name = text_of(v.doc, "strategy_name");
  v.symbol = text_of(v.doc, "symbol");
  v.timeframe = text_of(v.doc, "timeframe");
  v.start_date = text_of(v.doc, "start_date");
  v.end_date = text_of(v.doc, "end_date");
  v.mode = text_of(v.doc, "mode");

  if (parts == ResultParts::kAll) {
    if (const auto it = v.doc.find("equity_curve"); it != v.doc.end() && it->is_array()) {
      v.equity_points = it->size();
    }
    if (const auto it = v.doc.find("trades"); it != v.doc.end() && it->is_array()) v.trade_count = it->size();
  }
  const Json* curve = nullptr;
  Json kept_points = Json::array();
  if (last_point) {
    kept_points.push_back(std::move(*last_point));
    curve = &kept_points;
  } else if (const auto it = v.doc.find("equity_curve"); it != v.doc.end() && it->is_array()) {
    curve = &*it;
  }
  if (curve != nullptr) {
    v.equity.reserve(curve->size());
    for (const auto& p : *curve) {
      EquityPoint e;
      e.timestamp = text_of(p, "timestamp");
      e.ts_ns = timestamp_of(e.timestamp);
      e.portfolio_value = number_of(p, "portfolio_value");
      const std::string pos = text_of(p, "position");
      e.position = pos == "LONG" ? 'L' : pos == "SHORT" ? 'S' : 'F';
      v.equity.push_back(std::move(e));
    }
  }
  if (const auto it = v.doc.find("trades"); it != v.doc.end() && it->is_array()) {
    v.trades.reserve(it->size());
    for (const auto& t : *it) {
      TradeMark m;
      m.trade_id = text_of(t, "trade_id");
      m.is_long = text_of(t, "side") != "SHORT";
      m.entry_time = text_of(t, "entry_time");
      m.exit_time = text_of(t, "exit_time");
      m.entry_ts_ns = timestamp_of(m.entry_time);
      m.exit_ts_ns = timestamp_of(m.exit_time);
      m.entry_price = number_of(t, "entry_price");
      m.exit_price = number_of(t, "exit_price");
      m.quantity = number_of(t, "quantity");
      m.net_pnl = number_of(t, "net_pnl");
      v.trades.push_back(std::move(m));
    }
  }
  return v;
}

}  // namespace ktrdr::report::detail
