// A backtest result as a short table for a terminal: what `ktrdr-backtest run` and
// `ktrdr-submit results` / `--follow` print when a run completes.
#pragma once

#include <string>

namespace ktrdr::report {

// Renders the summary of a result JSON (as written by `ktrdr-backtest run --output` or
// `ktrdr-submit results OP --json`): a heading with strategy, symbol, timeframe and dates, then
// capital, returns, risk ratios, drawdown, trade statistics, the `extended` block when present and
// the run time. Plain ASCII, 72 columns, ends with a newline. Missing metrics print as "n/a".
// Throws ktrdr::Error when the text is not a JSON object.
std::string render_summary_table(const std::string& result_json);

}  // namespace ktrdr::report
