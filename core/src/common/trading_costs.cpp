// Range checks of TradingCosts (trading_costs.h).
#include "ktrdr/common/trading_costs.h"

#include <cmath>

#include "ktrdr/common/error.h"

namespace ktrdr {

std::string TradingCosts::problem() const {
  if (!(std::isfinite(initial_capital) && initial_capital > 0.0))
    return fmt::format("initial_capital must be a positive number (got {})", initial_capital);
  if (!(std::isfinite(commission) && commission >= 0.0 && commission < 1.0))
    return fmt::format("commission must be a fraction in [0, 1) (got {}); 0.001 means 0.1 %", commission);
  if (!(std::isfinite(slippage) && slippage >= 0.0 && slippage < 1.0))
    return fmt::format("slippage must be a fraction in [0, 1) (got {}); 0.0005 means 0.05 %", slippage);
  if (!(std::isfinite(position_fraction) && position_fraction > 0.0 && position_fraction <= 1.0))
    return fmt::format("position_fraction must be in (0, 1] (got {}); the reference uses 0.25",
                       position_fraction);
  return {};
}

void TradingCosts::validate() const {
  if (std::string p = problem(); !p.empty()) throw Error(p);
}

}  // namespace ktrdr
