#include "ktrdr/position/position_manager.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "ktrdr/common/error.h"

namespace ktrdr::position {
namespace {

constexpr double kNanosPerHourD = 3600.0 * 1e9;

// Python int(): truncation toward zero; values outside int64 (inf, NaN, huge) give 0 units.
int64_t whole_units(double x) {
  if (!(x >= 0.0) || x >= 9.0e18) return 0;
  return static_cast<int64_t>(x);
}

}  // namespace

void PositionConfig::validate() const {
  costs.validate();
}

PositionManager::PositionManager(PositionConfig config) : config_(std::move(config)) {
  config_.validate();
  state_.cash = config_.costs.initial_capital;
}

PositionSide PositionManager::side() const {
  return state_.position ? state_.position->side : PositionSide::kFlat;
}

double PositionManager::available_capital() const {
  if (!state_.position) return state_.cash;
  return state_.cash - state_.position->entry_price * static_cast<double>(state_.position->quantity);
}

int64_t PositionManager::calculate_quantity(double raw_price) const {
  if (!(raw_price > 0.0)) return 0;
  const double value = config_.costs.position_fraction * available_capital();
  return whole_units(value / (1.0 + config_.costs.commission) / raw_price);
}

bool PositionManager::can_execute(Signal signal, double raw_price) const {
  if (signal == Signal::kHold) return false;
  const PositionSide s = side();
  if (signal == Signal::kBuy && s == PositionSide::kLong) return false;
  if (signal == Signal::kSell && s == PositionSide::kShort) return false;
  if (s != PositionSide::kFlat) return true;  // an exit
  const auto q = static_cast<double>(calculate_quantity(raw_price));
  return available_capital() >= raw_price * q * (1.0 + config_.costs.commission);
}

std::optional<Fill> PositionManager::execute(Signal signal, double raw_price, int64_t ts_ns,
                                             std::optional<double> confidence) {
  if (!can_execute(signal, raw_price)) return std::nullopt;
  if (signal == Signal::kBuy) {
    return side() == PositionSide::kShort ? close_short(raw_price, ts_ns, confidence)
                                          : open_long(raw_price, ts_ns, confidence);
  }
  return side() == PositionSide::kLong ? close_long(raw_price, ts_ns, confidence)
                                       : open_short(raw_price, ts_ns, confidence);
}

std::optional<Fill> PositionManager::open_long(double raw_price, int64_t ts_ns,
                                               std::optional<double> confidence) {
  return open(PositionSide::kLong, raw_price, ts_ns, confidence);
}
std::optional<Fill> PositionManager::open_short(double raw_price, int64_t ts_ns,
                                                std::optional<double> confidence) {
  return open(PositionSide::kShort, raw_price, ts_ns, confidence);
}
std::optional<Fill> PositionManager::close_long(double raw_price, int64_t ts_ns,
                                                std::optional<double> confidence) {
  return close(PositionSide::kLong, raw_price, ts_ns, confidence, false);
}
std::optional<Fill> PositionManager::close_short(double raw_price, int64_t ts_ns,
                                                 std::optional<double> confidence) {
  return close(PositionSide::kShort, raw_price, ts_ns, confidence, false);
}

std::optional<Fill> PositionManager::force_close(double close_price, int64_t ts_ns) {
  if (!state_.position) return std::nullopt;
  return close(state_.position->side, close_price, ts_ns, std::nullopt, true);
}

std::optional<Fill> PositionManager::open(PositionSide side, double raw_price, int64_t ts_ns,
                                          std::optional<double> confidence) {
  if (state_.position) return std::nullopt;
  const double c = config_.costs.commission;
  const double s = config_.costs.slippage;
  int64_t q = calculate_quantity(raw_price);
  if (q <= 0) return std::nullopt;
  const double fill = side == PositionSide::kLong ? raw_price * (1.0 + s) : raw_price * (1.0 - s);
  double value = fill * static_cast<double>(q);
  double fee = value * c;
  double cost = value + fee;
  const double available = available_capital();
  if (cost > available) {  // re-fit to the fill price (reference)
    q = whole_units(available / (1.0 + c) / fill);
    if (q <= 0) return std::nullopt;
    value = fill * static_cast<double>(q);
    fee = value * c;
    cost = value + fee;
  }
  state_.cash -= cost;
  const double slip = side == PositionSide::kLong ? (fill - raw_price) * static_cast<double>(q)
                                                  : (raw_price - fill) * static_cast<double>(q);
  OpenPosition p;
  p.side = side;
  p.entry_price = fill;
  p.entry_ts_ns = ts_ns;
  p.quantity = q;
  p.entry_commission = fee;
  p.entry_slippage = slip;
  p.entry_confidence = confidence;
  p.current_price = fill;
  p.last_update_ts_ns = ts_ns;
  state_.position = p;
  return Fill{FillKind::kEntry, side, raw_price, fill, ts_ns, q, fee, slip, confidence};
}

std::optional<Fill> PositionManager::close(PositionSide side, double raw_price, int64_t ts_ns,
                                           std::optional<double> confidence, bool forced) {
  if (!state_.position || state_.position->side != side) return std::nullopt;
  const OpenPosition& p = *state_.position;
  const bool ktrdr = config_.mode == Mode::kKtrdr;
  const double c = config_.costs.commission;
  const double s = config_.costs.slippage;
  const auto q = static_cast<double>(p.quantity);
  const double entry_value = p.entry_price * q;
  double fill = 0.0;
  double gross = 0.0;
  double fee = 0.0;
  double slip = 0.0;
  if (side == PositionSide::kLong) {
    fill = raw_price * (1.0 - s);
    const double value = fill * q;
    fee = value * c;
    state_.cash += value - fee;
    gross = value - entry_value;
    slip = (raw_price - fill) * q;
  } else {
    fill = raw_price * (1.0 + s);
    const double value = fill * q;
    fee = value * c;
    gross = entry_value - value;
    const double net_exit_only = gross - fee;
    state_.cash += entry_value + net_exit_only;  // the margin comes back; the entry fee stays spent
    slip = (fill - raw_price) * q;
  }
  Trade t;
  t.trade_id = state_.next_trade_id;
  t.symbol = config_.symbol;
  t.side = side;
  t.entry_price = p.entry_price;
  t.entry_ts_ns = p.entry_ts_ns;
  t.exit_price = fill;
  t.exit_ts_ns = ts_ns;
  t.quantity = p.quantity;
  t.gross_pnl = gross;
  if (ktrdr) {
    t.commission = fee;
    t.slippage = slip;
    t.net_pnl = gross - fee;
    t.holding_period_hours = static_cast<double>(p.last_update_ts_ns - p.entry_ts_ns) / kNanosPerHourD;
  } else {
    t.commission = p.entry_commission + fee;
    t.slippage = p.entry_slippage + slip;
    t.net_pnl = gross - p.entry_commission - fee;
    t.holding_period_hours = static_cast<double>(ts_ns - p.entry_ts_ns) / kNanosPerHourD;
  }
  t.max_favorable_excursion = p.max_favorable_excursion;
  t.max_adverse_excursion = p.max_adverse_excursion;
  t.confidence = confidence;
  t.forced = forced;
  state_.trades.push_back(std::move(t));
  ++state_.next_trade_id;
  const int64_t qty = p.quantity;
  state_.position.reset();
  return Fill{FillKind::kExit, side, raw_price, fill, ts_ns, qty, fee, slip, confidence};
}

void PositionManager::update(double close_price, int64_t ts_ns) {
  if (!state_.position) return;
  OpenPosition& p = *state_.position;
  p.current_price = close_price;
  p.last_update_ts_ns = ts_ns;
  const auto q = static_cast<double>(p.quantity);
  p.unrealized_pnl =
      p.side == PositionSide::kLong ? (close_price - p.entry_price) * q : (p.entry_price - close_price) * q;
  p.max_favorable_excursion = std::max(p.max_favorable_excursion, p.unrealized_pnl);
  p.max_adverse_excursion = std::min(p.max_adverse_excursion, p.unrealized_pnl);
}

double PositionManager::portfolio_value(double close_price) const {
  if (!state_.position) return state_.cash;
  const OpenPosition& p = *state_.position;
  const auto q = static_cast<double>(p.quantity);
  if (p.side == PositionSide::kLong) return state_.cash + close_price * q;
  const double entry_value = p.entry_price * q;
  if (config_.mode == Mode::kKtrdr) {
    const double entry_fee = entry_value * config_.costs.commission;  // recomputed, as the reference
    return state_.cash + entry_value + entry_fee + (p.entry_price - close_price) * q;
  }
  return state_.cash + entry_value + (p.entry_price - close_price) * q;
}

}  // namespace ktrdr::position
