#include "ktrdr/report/result_summary.h"

#include "result_view.h"

namespace ktrdr::report {

std::string result_summary_json(const std::string& result_json) {
  detail::ResultView v = detail::read_result(result_json, detail::ResultParts::kWithoutSeries);
  v.doc.erase("trades");
  v.doc.erase("equity_curve");
  v.doc["trade_count"] = v.trade_count;
  v.doc["equity_curve_length"] = v.equity_points;
  return v.doc.dump();
}

}  // namespace ktrdr::report
