// The parts of a result JSON that the chart and the summary table draw, read once into plain values.
// Private to the report area (nlohmann stays out of the public headers).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ktrdr::report::detail {

struct EquityPoint {
  std::optional<int64_t> ts_ns;  // nullopt when the timestamp is missing or unreadable
  std::string timestamp;         // as written in the JSON
  double portfolio_value = 0.0;
  char position = 'F';  // F(lat), L(ong), S(hort)
};

struct TradeMark {
  std::string trade_id;
  bool is_long = true;
  std::optional<int64_t> entry_ts_ns, exit_ts_ns;
  std::string entry_time, exit_time;
  double entry_price = 0.0, exit_price = 0.0, quantity = 0.0, net_pnl = 0.0;
};

struct ResultView {
  nlohmann::ordered_json doc;  // the whole result, key order kept (metrics print in engine order)
  std::string strategy_name, symbol, timeframe, start_date, end_date, mode;
  std::vector<EquityPoint> equity;
  std::vector<TradeMark> trades;
  std::size_t trade_count = 0;    // elements of the result's trades array (also with kWithoutSeries)
  std::size_t equity_points = 0;  // elements of its equity_curve array (also with kWithoutSeries)

  // metrics.<name> as a number; nullopt when absent or not a number
  std::optional<double> metric(const char* name) const;
  std::optional<double> config_number(const char* name) const;
};

enum class ResultParts {
  kAll,
  // equity_curve and trades are skipped while parsing (doc holds them as empty arrays; `equity` keeps only
  // the last point, `trades` is empty): the summary of a 1 M-bar run reads ~130 MB of JSON without
  // building a DOM of it.
  kWithoutSeries,
};

// Throws ktrdr::Error naming the problem when the text is not a JSON object.
ResultView read_result(const std::string& result_json, ResultParts parts = ResultParts::kAll);

}  // namespace ktrdr::report::detail
