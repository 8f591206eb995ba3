#include "result_summary.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "ktrdr/common/error.h"

#if __has_include("ktrdr/report/summary_table.h")
#include "ktrdr/report/summary_table.h"
#define KTRDR_SUBMIT_HAVE_SUMMARY_TABLE 1
#endif

namespace ktrdr::cli {
#ifndef KTRDR_SUBMIT_HAVE_SUMMARY_TABLE
namespace {

double number(const nlohmann::json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_number() ? it->get<double>() : 0.0;
}

}  // namespace
#endif

std::string result_summary(const std::string& result_json) {
#ifdef KTRDR_SUBMIT_HAVE_SUMMARY_TABLE
  return report::render_summary_table(result_json);
#else
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(result_json);
  } catch (const nlohmann::json::exception& e) {
    KTRDR_FAIL("the result is not valid JSON: {}", e.what());
  }
  const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json& metrics =
      doc.contains("metrics") && doc["metrics"].is_object() ? doc["metrics"] : empty;
  const size_t curve =
      doc.contains("equity_curve") && doc["equity_curve"].is_array() ? doc["equity_curve"].size() : 0;
  std::string s;
  s += fmt::format("total return      {:+.2f} ({:+.2f} %)\n", number(metrics, "total_return"),
                   100.0 * number(metrics, "total_return_pct"));
  s += fmt::format("sharpe ratio      {:.4f}\n", number(metrics, "sharpe_ratio"));
  s += fmt::format("max drawdown      {:.2f} %\n", 100.0 * number(metrics, "max_drawdown_pct"));
  s += fmt::format("trades            {} (win rate {:.1f} %)\n",
                   static_cast<long long>(number(metrics, "total_trades")),
                   100.0 * number(metrics, "win_rate"));
  s += fmt::format("profit factor     {:.4f}\n", number(metrics, "profit_factor"));
  s += fmt::format("equity points     {}\n", curve);
  return s;
#endif
}

}  // namespace ktrdr::cli
