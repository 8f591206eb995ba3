#include "ktrdr/position/trade.h"

namespace ktrdr::position {

double Trade::return_pct() const {
  const double denominator = entry_price * static_cast<double>(quantity);
  return denominator == 0.0 ? 0.0 : net_pnl / denominator * 100.0;
}

const char* Fill::side_name() const {
  if (kind == FillKind::kEntry) return side == PositionSide::kShort ? "SELL_ENTRY" : "BUY_ENTRY";
  return side == PositionSide::kShort ? "SHORT" : "LONG";
}

}  // namespace ktrdr::position
