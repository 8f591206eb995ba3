// Mode and TradingCosts: the one switch between the reference and the fixes, and the one cost value.
#include <doctest/doctest.h>

#include <cmath>

#include "ktrdr/common/error.h"
#include "ktrdr/common/mode.h"
#include "ktrdr/common/trading_costs.h"

using namespace ktrdr;

TEST_CASE("mode names: to_string and parse_mode are inverse, anything else is nullopt") {
  CHECK(to_string(Mode::kKtrdr) == "ktrdr");
  CHECK(to_string(Mode::kCorrected) == "corrected");
  CHECK(parse_mode("ktrdr") == Mode::kKtrdr);
  CHECK(parse_mode("corrected") == Mode::kCorrected);
  CHECK_FALSE(parse_mode("fixed").has_value());
  CHECK_FALSE(parse_mode("KTRDR").has_value());
  CHECK_FALSE(parse_mode("").has_value());
  CHECK(static_cast<int>(Mode::kKtrdr) == 0);  // stored in checkpoints
  CHECK(static_cast<int>(Mode::kCorrected) == 1);
}

TEST_CASE("trading costs: defaults of the reference, and each bad value named with its fix") {
  const TradingCosts d;
  CHECK(d.initial_capital == 100000.0);
  CHECK(d.commission == 0.001);
  CHECK(d.slippage == 0.0005);
  CHECK(d.position_fraction == 0.25);
  CHECK(d.problem().empty());
  CHECK_NOTHROW(d.validate());

  TradingCosts c;
  c.initial_capital = 0;
  CHECK(c.problem() == "initial_capital must be a positive number (got 0)");
  CHECK_THROWS_WITH_AS(c.validate(), "initial_capital must be a positive number (got 0)", Error);
  c = {};
  c.initial_capital = std::nan("");
  CHECK(c.problem() == "initial_capital must be a positive number (got nan)");
  c = {};
  c.commission = 1.0;
  CHECK(c.problem() == "commission must be a fraction in [0, 1) (got 1); 0.001 means 0.1 %");
  c = {};
  c.slippage = -0.5;
  CHECK(c.problem() == "slippage must be a fraction in [0, 1) (got -0.5); 0.0005 means 0.05 %");
  c = {};
  c.position_fraction = 1.5;
  CHECK(c.problem() == "position_fraction must be in (0, 1] (got 1.5); the reference uses 0.25");
  c.position_fraction = 1.0;  // the whole capital is allowed
  CHECK(c.problem().empty());
  CHECK(c != d);
  CHECK(TradingCosts{} == d);
}
