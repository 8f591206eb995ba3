// Cash, the single open position, sizing, fills and closed trades (docs/reference.md §7), in either
// accounting mode.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ktrdr/common/mode.h"
#include "ktrdr/common/trading_costs.h"
#include "ktrdr/decision/signal.h"
#include "ktrdr/position/trade.h"

namespace ktrdr::position {

using decision::Signal;

struct PositionConfig {
  TradingCosts costs;
  Mode mode = Mode::kCorrected;
  std::string symbol;

  // Throws ktrdr::Error naming the bad value.
  void validate() const;
};

// Everything that changes while a backtest runs (checkpointed whole).
struct PositionManagerState {
  double cash = 0.0;
  std::optional<OpenPosition> position;
  std::vector<Trade> trades;  // closed trades, in order
  uint64_t next_trade_id = 1;

  friend bool operator==(const PositionManagerState&, const PositionManagerState&) = default;
};

class PositionManager {
 public:
  explicit PositionManager(PositionConfig config);

  // Cash, minus entry_price * quantity while a position is open (reference as-is: counts it twice).
  double available_capital() const;
  // floor(fraction * available / (1 + commission) / raw_price), whole units.
  int64_t calculate_quantity(double raw_price) const;
  bool can_execute(Signal signal, double raw_price) const;

  // BUY: covers a short, else opens a long; SELL: closes a long, else opens a short. nullopt when nothing
  // was executed (HOLD, same-side signal, zero quantity).
  std::optional<Fill> execute(Signal signal, double raw_price, int64_t ts_ns,
                              std::optional<double> confidence);
  std::optional<Fill> open_long(double raw_price, int64_t ts_ns, std::optional<double> confidence);
  std::optional<Fill> close_long(double raw_price, int64_t ts_ns, std::optional<double> confidence);
  std::optional<Fill> open_short(double raw_price, int64_t ts_ns, std::optional<double> confidence);
  std::optional<Fill> close_short(double raw_price, int64_t ts_ns, std::optional<double> confidence);
  // Closes the open position at `close` (slippage and commission apply), marked forced; nullopt when flat.
  std::optional<Fill> force_close(double close, int64_t ts_ns);

  // Mark to market at a close: current price, unrealized P&L, MFE/MAE (closes only).
  void update(double close, int64_t ts_ns);
  // Cash + position value at `close` (ktrdr mode adds a short's entry fee back, as the reference).
  double portfolio_value(double close) const;

  PositionSide side() const;
  double cash() const { return state_.cash; }
  const std::optional<OpenPosition>& position() const { return state_.position; }
  const std::vector<Trade>& trades() const { return state_.trades; }
  uint64_t next_trade_id() const { return state_.next_trade_id; }
  const PositionConfig& config() const { return config_; }

  const PositionManagerState& state() const { return state_; }
  void restore(PositionManagerState state) { state_ = std::move(state); }

 private:
  std::optional<Fill> open(PositionSide side, double raw_price, int64_t ts_ns,
                           std::optional<double> confidence);
  std::optional<Fill> close(PositionSide side, double raw_price, int64_t ts_ns,
                            std::optional<double> confidence, bool forced);

  PositionConfig config_;
  PositionManagerState state_;
};

}  // namespace ktrdr::position
