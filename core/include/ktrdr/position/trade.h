// Closed trades, entry/exit fills and the open position (docs/reference.md §7).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ktrdr/decision/signal.h"

namespace ktrdr::position {

using decision::PositionSide;

// A closed round trip (reference Trade; side is kLong or kShort).
struct Trade {
  uint64_t trade_id = 0;
  std::string symbol;
  PositionSide side = PositionSide::kLong;
  double entry_price = 0.0;  // fill price, slippage included
  int64_t entry_ts_ns = 0;
  double exit_price = 0.0;  // fill price, slippage included
  int64_t exit_ts_ns = 0;
  int64_t quantity = 0;
  double gross_pnl = 0.0;
  // ktrdr mode: exit leg only (as the reference); corrected mode: entry + exit legs.
  double commission = 0.0;
  double slippage = 0.0;
  // ktrdr mode: gross - exit commission; corrected mode: gross - entry and exit commissions.
  double net_pnl = 0.0;
  // ktrdr mode: last mark-to-market time - entry time; corrected mode: exit fill - entry fill.
  double holding_period_hours = 0.0;
  double max_favorable_excursion = 0.0;  // closes only
  double max_adverse_excursion = 0.0;
  std::optional<double> confidence;  // decision_metadata.confidence of the exit decision; none when forced
  bool forced = false;               // force close at the end of the backtest

  // net_pnl / (entry_price * quantity) * 100, 0 if the denominator is 0 (reference Trade.return_pct).
  double return_pct() const;
  friend bool operator==(const Trade&, const Trade&) = default;
};

enum class FillKind : uint8_t { kEntry = 0, kExit = 1 };

// What one execution did: the reference's partial "BUY_ENTRY"/"SELL_ENTRY" Trade for entries, and the
// exit leg for exits (the closed Trade itself goes to the history).
struct Fill {
  FillKind kind = FillKind::kEntry;
  PositionSide side = PositionSide::kLong;  // the side of the position opened or closed
  double raw_price = 0.0;                   // price before slippage (bar open, or last close when forced)
  double price = 0.0;                       // fill price
  int64_t ts_ns = 0;
  int64_t quantity = 0;
  double commission = 0.0;  // this leg
  double slippage = 0.0;    // this leg
  std::optional<double> confidence;

  // "BUY_ENTRY" / "SELL_ENTRY" / "LONG" / "SHORT" (reference side names).
  const char* side_name() const;
  friend bool operator==(const Fill&, const Fill&) = default;
};

// The open position with its mark-to-market state.
struct OpenPosition {
  PositionSide side = PositionSide::kLong;
  double entry_price = 0.0;
  int64_t entry_ts_ns = 0;
  int64_t quantity = 0;
  double entry_commission = 0.0;
  double entry_slippage = 0.0;
  std::optional<double> entry_confidence;
  double current_price = 0.0;
  int64_t last_update_ts_ns = 0;
  double unrealized_pnl = 0.0;
  double max_favorable_excursion = 0.0;
  double max_adverse_excursion = 0.0;

  friend bool operator==(const OpenPosition&, const OpenPosition&) = default;
};

}  // namespace ktrdr::position
