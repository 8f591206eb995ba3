// What a backtest's trades cost and how big they are: one value shared by the job a client sends
// (proto::JobSpec), the runner's request, the engine's options and the position manager, with the defaults
// and the range checks in one place.
#pragma once

#include <string>

namespace ktrdr {

struct TradingCosts {
  double initial_capital = 100000.0;
  double commission = 0.001;        // fraction of traded value, each leg
  double slippage = 0.0005;         // fraction of price, against us
  double position_fraction = 0.25;  // of available capital per entry (the reference hard-codes 0.25)

  // "" when every value is in range, else the first problem: the field, the value and the fix.
  std::string problem() const;
  // Throws ktrdr::Error with problem() when it is not "".
  void validate() const;

  friend bool operator==(const TradingCosts&, const TradingCosts&) = default;
};

}  // namespace ktrdr
