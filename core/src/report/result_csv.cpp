#include "ktrdr/report/result_csv.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "ktrdr/common/error.h"

namespace ktrdr::report {
namespace {

nlohmann::json parse_result(const std::string& text) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    KTRDR_FAIL("result JSON is unreadable: {}", e.what());
  }
}

// Numbers as the shortest round-trip text (what the JSON holds), strings verbatim.
std::string cell(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return fmt::format("{}", v.get<double>());
  return v.dump();
}

}  // namespace

std::string trades_csv(const std::string& result_json) {
  const auto doc = parse_result(result_json);
  static const char* kFields[] = {"trade_id",   "symbol",       "side",       "entry_time",
                                  "entry_price", "exit_time",   "exit_price", "quantity",
                                  "gross_pnl",  "commission",   "slippage",   "net_pnl",
                                  "holding_period_hours", "max_favorable_excursion", "max_adverse_excursion"};
  std::string out;
  for (const char* f : kFields) out += fmt::format("{},", f);
  out += "confidence\n";
  for (const auto& t : doc.value("trades", nlohmann::json::array())) {
    for (const char* f : kFields) out += cell(t.value(f, nlohmann::json())) + ",";
    const auto meta = t.value("decision_metadata", nlohmann::json::object());
    out += cell(meta.value("confidence", nlohmann::json())) + "\n";
  }
  return out;
}

std::string equity_csv(const std::string& result_json) {
  const auto doc = parse_result(result_json);
  std::string out = "timestamp,price,portfolio_value,position\n";
  for (const auto& p : doc.value("equity_curve", nlohmann::json::array())) {
    out += fmt::format("{},{},{},{}\n", cell(p.value("timestamp", nlohmann::json())),
                       cell(p.value("price", nlohmann::json())), cell(p.value("portfolio_value", nlohmann::json())),
                       cell(p.value("position", nlohmann::json())));
  }
  return out;
}

}  // namespace ktrdr::report
