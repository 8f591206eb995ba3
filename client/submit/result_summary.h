// The few numbers printed when a job completes (as the reference CLI: total_return_pct, sharpe_ratio,
// max_drawdown_pct, total_trades, win_rate, equity curve length), read from the result JSON.
#pragma once

#include <string>

namespace ktrdr::cli {

// Throws ktrdr::Error when `result_json` is not JSON.
std::string result_summary(const std::string& result_json);

}  // namespace ktrdr::cli
