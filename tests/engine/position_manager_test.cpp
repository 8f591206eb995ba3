// Position manager: the docs/reference.md §7 worked example to the cent (long and short), both accounting
// modes.
#include <doctest/doctest.h>

#include <cmath>

#include "ktrdr/common/error.h"
#include "ktrdr/common/time.h"
#include "ktrdr/position/position_manager.h"
#include "support/near.h"

using namespace ktrdr;
using decision::PositionSide;
using decision::Signal;
using ktrdr::Mode;
using position::PositionManager;

namespace {

const int64_t kT0 = parse_timestamp_ns("2024-01-02T10:00:00Z", "t");
constexpr int64_t kH = kNanosPerHour;

PositionManager make(Mode mode) {
  position::PositionConfig c;
  c.costs.initial_capital = 100000.0;
  c.costs.commission = 0.001;
  c.costs.slippage = 0.0005;
  c.mode = mode;
  c.symbol = "EURUSD";
  return PositionManager(c);
}

// "to the cent" with room only for the last bits of the double arithmetic; prints both values on failure
test::Closeness money(double got, double want) {
  return test::near_abs(got, want, 1e-7);
}

}  // namespace

TEST_CASE("worked example, long, ktrdr mode: every figure of docs/reference.md §7") {
  PositionManager pm = make(Mode::kKtrdr);
  CHECK(pm.calculate_quantity(1.1) == 22704);
  const auto entry = pm.execute(Signal::kBuy, 1.1, kT0, 0.7);
  REQUIRE(entry.has_value());
  CHECK(std::string(entry->side_name()) == "BUY_ENTRY");
  CHECK(entry->quantity == 22704);
  CHECK(money(entry->price, 1.10055));
  CHECK(money(entry->commission, 24.9868872));
  CHECK(money(pm.cash(), 74988.1259128));
  CHECK(pm.trades().empty());  // partial entry records are not history
  CHECK(pm.next_trade_id() == 1);
  CHECK(money(pm.position()->entry_price * 22704, 24986.8872));
  pm.update(1.105, kT0 + kH);
  CHECK(money(pm.portfolio_value(1.105), 100076.0459128));
  const auto exit = pm.execute(Signal::kSell, 1.11, kT0 + 2 * kH, 0.6);
  REQUIRE(exit.has_value());
  CHECK(money(exit->price, 1.109445));
  CHECK(money(exit->price * 22704, 25188.83928));
  CHECK(money(exit->commission, 25.18883928));
  CHECK(money(pm.cash(), 100151.77635352));
  REQUIRE(pm.trades().size() == 1);
  const auto& t = pm.trades()[0];
  CHECK(t.trade_id == 1);
  CHECK(t.side == PositionSide::kLong);
  CHECK(money(t.gross_pnl, 201.95208));
  CHECK(money(t.net_pnl, 176.76324072));  // the entry fee is not in net (as-is)
  CHECK(money(t.commission, 25.18883928));
  CHECK(money(t.slippage, 12.60072));
  CHECK(t.holding_period_hours == 1.0);  // last mark-to-market, one bar before the exit (as-is)
  CHECK(money(t.max_favorable_excursion, (1.105 - 1.10055) * 22704));
  CHECK(t.max_adverse_excursion == 0.0);
  CHECK(t.confidence == 0.6);
  CHECK(pm.next_trade_id() == 2);
  CHECK(pm.side() == PositionSide::kFlat);
}

TEST_CASE("worked example, short, ktrdr mode") {
  PositionManager pm = make(Mode::kKtrdr);
  const auto entry = pm.execute(Signal::kSell, 1.1, kT0, 0.7);
  REQUIRE(entry.has_value());
  CHECK(std::string(entry->side_name()) == "SELL_ENTRY");
  CHECK(entry->quantity == 22704);
  CHECK(money(entry->price, 1.09945));
  CHECK(money(pm.cash(), 75013.1252872));
  pm.update(1.095, kT0 + kH);
  CHECK(money(pm.portfolio_value(1.095), 100101.0328));  // the entry fee is added back (as-is)
  const auto exit = pm.execute(Signal::kBuy, 1.09, kT0 + 2 * kH, 0.8);
  REQUIRE(exit.has_value());
  CHECK(money(exit->price, 1.090545));
  const auto& t = pm.trades().at(0);
  CHECK(t.side == PositionSide::kShort);
  CHECK(money(t.gross_pnl, 202.17912));
  CHECK(money(t.net_pnl, 177.41938632));
  CHECK(money(pm.cash(), 100152.45747352));
  CHECK(money(t.slippage, (1.090545 - 1.09) * 22704));
}

TEST_CASE("corrected mode: entry fee in net P&L, fill-to-fill holding period, no short fee add-back") {
  PositionManager pm = make(Mode::kCorrected);
  pm.execute(Signal::kBuy, 1.1, kT0, 0.7);
  pm.update(1.105, kT0 + kH);
  CHECK(money(pm.portfolio_value(1.105), 100076.0459128));  // longs value the same in both modes
  pm.execute(Signal::kSell, 1.11, kT0 + 2 * kH, 0.6);
  const auto& t = pm.trades().at(0);
  CHECK(money(pm.cash(), 100151.77635352));  // cash flows are identical
  CHECK(money(t.net_pnl, 201.95208 - 24.9868872 - 25.18883928));
  CHECK(money(t.net_pnl, pm.cash() - 100000.0));  // net P&L = the cash it made
  CHECK(money(t.commission, 24.9868872 + 25.18883928));
  CHECK(money(t.slippage, (1.10055 - 1.1) * 22704 + 12.60072));
  CHECK(t.holding_period_hours == 2.0);

  PositionManager sh = make(Mode::kCorrected);
  sh.execute(Signal::kSell, 1.1, kT0, 0.7);
  sh.update(1.095, kT0 + kH);
  CHECK(money(sh.portfolio_value(1.095), 100101.0328 - 24.9619128));
  sh.execute(Signal::kBuy, 1.09, kT0 + 2 * kH, 0.8);
  CHECK(money(sh.cash(), 100152.45747352));
  CHECK(money(sh.trades().at(0).net_pnl, 177.41938632 - 24.9619128));
  CHECK(money(sh.trades().at(0).net_pnl, sh.cash() - 100000.0));
}

TEST_CASE("can_execute table and same-side signals") {
  PositionManager pm = make(Mode::kKtrdr);
  CHECK_FALSE(pm.can_execute(Signal::kHold, 1.0));
  CHECK(pm.can_execute(Signal::kBuy, 1.0));
  CHECK(pm.can_execute(Signal::kSell, 1.0));
  pm.execute(Signal::kBuy, 1.0, kT0, 0.9);
  CHECK_FALSE(pm.can_execute(Signal::kBuy, 1.0));
  CHECK_FALSE(pm.execute(Signal::kBuy, 1.0, kT0 + kH, 0.9).has_value());
  CHECK(pm.can_execute(Signal::kSell, 1.0));
  CHECK_FALSE(pm.execute(Signal::kHold, 1.0, kT0 + kH, 0.9).has_value());
}

TEST_CASE("zero quantity: the entry returns nothing and cash is untouched") {
  PositionManager pm = make(Mode::kKtrdr);
  CHECK(pm.calculate_quantity(1e9) == 0);
  CHECK_FALSE(pm.execute(Signal::kBuy, 1e9, kT0, 0.9).has_value());
  CHECK(pm.cash() == 100000.0);
  CHECK(pm.side() == PositionSide::kFlat);
}

TEST_CASE("position fraction is configurable") {
  position::PositionConfig c;
  c.costs.position_fraction = 0.5;
  PositionManager pm(c);
  CHECK(pm.calculate_quantity(1.1) == static_cast<int64_t>(0.5 * 100000.0 / 1.001 / 1.1));
  c.costs.position_fraction = 0.0;
  CHECK_THROWS_AS(PositionManager{c}, ktrdr::Error);
  c.costs.position_fraction = 0.25;
  c.costs.commission = -0.1;
  CHECK_THROWS_AS(PositionManager{c}, ktrdr::Error);
}

TEST_CASE("MFE/MAE track closes only - force close is forced, with slippage and fee") {
  PositionManager pm = make(Mode::kKtrdr);
  pm.execute(Signal::kSell, 2.0, kT0, 0.9);
  const double e = 2.0 * (1 - 0.0005);
  const int64_t q = pm.position()->quantity;
  pm.update(2.1, kT0 + kH);
  pm.update(1.9, kT0 + 2 * kH);
  pm.update(2.0, kT0 + 3 * kH);
  CHECK(pm.position()->max_adverse_excursion == (e - 2.1) * static_cast<double>(q));
  CHECK(pm.position()->max_favorable_excursion == (e - 1.9) * static_cast<double>(q));
  const auto f = pm.force_close(2.0, kT0 + 3 * kH);
  REQUIRE(f.has_value());
  const auto& t = pm.trades().at(0);
  CHECK(t.forced);
  CHECK_FALSE(t.confidence.has_value());
  CHECK(t.exit_price == 2.0 * (1 + 0.0005));
  CHECK(t.holding_period_hours == 3.0);
  CHECK_FALSE(pm.force_close(2.0, kT0 + 4 * kH).has_value());
}

TEST_CASE("Trade::return_pct") {
  position::Trade t;
  CHECK(t.return_pct() == 0.0);
  t.entry_price = 2.0;
  t.quantity = 100;
  t.net_pnl = 5.0;
  CHECK(t.return_pct() == 5.0 / 200.0 * 100.0);
}
