// The reference's `result_summary` of a result JSON (BacktestResults.to_dict(), ktrdr-reference.md §8): every
// member of the result except the trades and the equity curve themselves, plus `trade_count` and
// `equity_curve_length` counted from them. What the REST API returns from /operations/{id}/results.
#pragma once

#include <string>

namespace ktrdr::report {

// JSON text of the summary, members in the result's order. The series are skipped while parsing (a 1 M-bar
// result is not built into a DOM). Throws ktrdr::Error when the text is not a JSON object.
std::string result_summary_json(const std::string& result_json);

}  // namespace ktrdr::report
