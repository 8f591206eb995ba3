#include "ktrdr/report/result_csv.h"

#include <functional>
#include <string_view>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "ktrdr/common/error.h"

namespace ktrdr::report {
namespace {

// Calls `row` for each element of the root array `key`, in order, while parsing: no document is built (a
// 1 M-bar result is ~130 MB of JSON), elements of the other root arrays are dropped as they are read.
void for_each_element(const std::string& text, std::string_view key,
                      const std::function<void(const nlohmann::json&)>& row) {
  bool in_key = false;
  try {
    const nlohmann::json root = nlohmann::json::parse(
        text, [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
          using E = nlohmann::json::parse_event_t;
          if (depth == 1 && event == E::key) {
            in_key = parsed == key;
            return true;
          }
          if (depth == 2 && (event == E::object_end || event == E::array_end || event == E::value)) {
            if (in_key) row(parsed);
            return false;
          }
          return true;
        });
    KTRDR_REQUIRE(root.is_object(), "result JSON must be an object (got {})", root.type_name());
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
  static const char* kFields[] = {"trade_id",
                                  "symbol",
                                  "side",
                                  "entry_time",
                                  "entry_price",
                                  "exit_time",
                                  "exit_price",
                                  "quantity",
                                  "gross_pnl",
                                  "commission",
                                  "slippage",
                                  "net_pnl",
                                  "holding_period_hours",
                                  "max_favorable_excursion",
                                  "max_adverse_excursion"};
  std::string out;
  for (const char* f : kFields) out += fmt::format("{},", f);
  out += "confidence\n";
  for_each_element(result_json, "trades", [&](const nlohmann::json& t) {
    if (!t.is_object()) return;
    for (const char* f : kFields) out += cell(t.value(f, nlohmann::json())) + ",";
    const auto meta = t.value("decision_metadata", nlohmann::json::object());
    out += cell(meta.is_object() ? meta.value("confidence", nlohmann::json()) : nlohmann::json()) + "\n";
  });
  return out;
}

std::string equity_csv(const std::string& result_json) {
  std::string out = "timestamp,price,portfolio_value,position\n";
  for_each_element(result_json, "equity_curve", [&](const nlohmann::json& p) {
    if (!p.is_object()) return;
    out += fmt::format("{},{},{},{}\n", cell(p.value("timestamp", nlohmann::json())),
                       cell(p.value("price", nlohmann::json())),
                       cell(p.value("portfolio_value", nlohmann::json())),
                       cell(p.value("position", nlohmann::json())));
  });
  return out;
}

}  // namespace ktrdr::report
