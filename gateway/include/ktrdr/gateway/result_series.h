// The trades and the equity curve of a stored result JSON, for the API's full-result endpoints and the
// dashboard's chart and table. Parsed with nlohmann's callback so the other series of a large result is
// skipped, and equity points are kept as plain values (not a DOM) while reading.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace ktrdr::gateway {

// {"total": N, "offset": offset, "trades": [trade objects as stored, from `offset`, at most `limit`
// (0 = all)]}. Throws ktrdr::Error when the text is not a result object.
nlohmann::json trades_page(const std::string& result_json, std::size_t offset, std::size_t limit);

// {"total_points": N, "max_drawdown_pct": m, "points": [{timestamp, price, portfolio_value, position,
// drawdown_pct}]}: drawdown_pct = (running peak - value) / running peak, as a fraction, over every point.
// With max_points > 0 and N > max_points the points are thinned for a chart: the first and last points,
// and in each of max_points / 3 equal slices the points with the lowest value, the highest value and the
// deepest drawdown (in time order, no duplicates), so the curve's extremes survive. max_points = 0: all.
nlohmann::json equity_series(const std::string& result_json, std::size_t max_points);

}  // namespace ktrdr::gateway
