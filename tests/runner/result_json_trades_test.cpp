// The trades of the result document are written by hand in nlohmann::json's dump layout. These cases pin the
// whole document byte for byte against the same document with the trades built as a DOM (as result_to_json
// did before), at every indentation, on forced and unforced trades, absent confidences, non-finite values,
// numbers nlohmann prints in exponent form, and symbols that need escaping.
#include <doctest/doctest.h>

#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ktrdr/common/time.h"
#include "ktrdr/engine/result_json.h"

using namespace ktrdr;
using Json = nlohmann::ordered_json;

namespace {

Json reference_trade(const position::Trade& t) {
  Json j = Json::object();
  j["trade_id"] = t.trade_id;
  j["symbol"] = t.symbol;
  j["side"] = decision::to_string(t.side);
  j["entry_price"] = t.entry_price;
  j["entry_time"] = format_iso_utc(t.entry_ts_ns);
  j["exit_price"] = t.exit_price;
  j["exit_time"] = format_iso_utc(t.exit_ts_ns);
  j["quantity"] = t.quantity;
  j["gross_pnl"] = t.gross_pnl;
  j["commission"] = t.commission;
  j["slippage"] = t.slippage;
  j["net_pnl"] = t.net_pnl;
  j["holding_period_hours"] = t.holding_period_hours;
  j["max_favorable_excursion"] = t.max_favorable_excursion;
  j["max_adverse_excursion"] = t.max_adverse_excursion;
  j["return_pct"] = t.return_pct();
  Json meta = Json::object();
  if (t.forced) {
    meta["signal_type"] = "FORCE_CLOSE";
    meta["reason"] = "End of backtest period";
    meta["forced"] = true;
  } else {
    meta["confidence"] = t.confidence ? Json(*t.confidence) : Json(nullptr);
  }
  j["decision_metadata"] = std::move(meta);
  return j;
}

std::vector<position::Trade> edge_trades() {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> values{1.1,
                                   100000.0,
                                   -0.0,
                                   0.0,
                                   1e-07,
                                   1e16,
                                   1e15,
                                   123456.789,
                                   -2.5e-300,
                                   5e-324,
                                   1.7976931348623157e308,
                                   nan,
                                   inf,
                                   -inf,
                                   0.1,
                                   93760.57242189947};
  const std::vector<std::string> symbols{"EURUSD", "SYN_1.x-2", "quote\"d", "back\\slash", "tab\there", "é"};
  std::vector<position::Trade> trades;
  for (size_t i = 0; i < 40; ++i) {
    position::Trade t;
    t.trade_id = i * 1'000'003;
    t.symbol = symbols[i % symbols.size()];
    t.side = i % 2 ? decision::PositionSide::kShort : decision::PositionSide::kLong;
    t.entry_price = values[i % values.size()];
    t.entry_ts_ns = static_cast<int64_t>(i) * kNanosPerHour - (i % 3 == 0 ? 5 * kNanosPerDay : 0);
    t.exit_price = values[(i + 1) % values.size()];
    t.exit_ts_ns =
        t.entry_ts_ns + static_cast<int64_t>(i % 7) * kNanosPerHour + (i % 5 == 0 ? 250'000'000 : 0);
    t.quantity = static_cast<int64_t>(i * 37) - 300;
    t.gross_pnl = values[(i + 2) % values.size()];
    t.commission = values[(i + 3) % values.size()];
    t.slippage = values[(i + 4) % values.size()];
    t.net_pnl = values[(i + 5) % values.size()];
    t.holding_period_hours = values[(i + 6) % values.size()];
    t.max_favorable_excursion = values[(i + 7) % values.size()];
    t.max_adverse_excursion = values[(i + 8) % values.size()];
    if (i % 4 == 1) t.confidence = values[(i + 9) % values.size()];
    t.forced = i % 9 == 8;
    trades.push_back(t);
  }
  return trades;
}

}  // namespace

TEST_CASE("result JSON trades: byte for byte the DOM's text, every indentation") {
  engine::BacktestResult r;
  r.trades = edge_trades();
  r.final_capital = 101234.5;
  r.bars = 40;
  for (int indent : {-1, 0, 2, 4}) {
    CAPTURE(indent);
    const std::string got = engine::result_to_json({}, engine::EngineOptions{}, r, {indent, false});
    // the same document, its trades replaced by the DOM (no equity points: every other value is DOM-written)
    Json want = Json::parse(got);
    Json trades = Json::array();
    for (const auto& t : r.trades) trades.push_back(reference_trade(t));
    want["trades"] = std::move(trades);
    const std::string want_text = want.dump(indent);
    REQUIRE(got.size() == want_text.size());
    CHECK(got == want_text);
  }
}

TEST_CASE("result JSON trades: none") {
  engine::BacktestResult r;
  CHECK(engine::result_to_json({}, engine::EngineOptions{}, r).find("\"trades\": [],") != std::string::npos);
  CHECK(engine::result_to_json({}, engine::EngineOptions{}, r, {-1, false}).find("\"trades\":[],") !=
        std::string::npos);
}
