// A hand-made result JSON in the engine's shape: 6 hourly equity points, one long and one short trade,
// metrics with values chosen to exercise rounding, signs and thousands separators.
#pragma once

namespace ktrdr::test {

inline constexpr const char* kSampleResult = R"json({
  "strategy_name": "example_mlp",
  "symbol": "EURUSD",
  "timeframe": "1h",
  "start_date": "2023-01-02T00:00:00",
  "end_date": "2023-06-30T00:00:00",
  "mode": "corrected",
  "config": {"initial_capital": 100000.0, "commission": 0.001, "slippage": 0.0005},
  "metrics": {
    "total_return": 4321.5, "total_return_pct": 0.043215, "annualized_return": 0.0891,
    "volatility": 0.123, "sharpe_ratio": 1.2345, "max_drawdown": 2345.678, "max_drawdown_pct": 0.0235,
    "total_trades": 42, "winning_trades": 25, "losing_trades": 17, "win_rate": 0.5952380952,
    "profit_factor": 1.8432, "avg_win": 312.454, "avg_loss": -198.756, "largest_win": 1024.0,
    "largest_loss": -702.111, "avg_holding_period": 13.54, "avg_win_holding_period": 12.0,
    "avg_loss_holding_period": 15.0, "calmar_ratio": 3.7915, "sortino_ratio": 1.8, "recovery_factor": 999999.0
  },
  "extended": {"cagr": 0.0912, "periods_per_year": 252, "exposure_pct": 0.4125, "max_drawdown_duration_days": 12.25,
               "calendar": "weekdays", "sqn": 1.234, "expectancy": -12.5},
  "trades": [
    {"trade_id": "1", "side": "LONG", "entry_time": "2023-01-02T01:00:00Z", "exit_time": "2023-01-02T03:00:00Z",
     "entry_price": 1.0712, "exit_price": 1.0745, "quantity": 23000.0, "net_pnl": 700.5},
    {"trade_id": "2", "side": "SHORT", "entry_time": "2023-01-02T04:00:00Z", "exit_time": "2023-01-02T05:00:00Z",
     "entry_price": 1.0760, "exit_price": 1.0741, "quantity": 23100.0, "net_pnl": 420.25}
  ],
  "equity_curve": [
    {"timestamp": "2023-01-02T00:00:00Z", "price": 1.0700, "portfolio_value": 100000.0, "position": "FLAT"},
    {"timestamp": "2023-01-02T01:00:00Z", "price": 1.0712, "portfolio_value": 100500.0, "position": "LONG"},
    {"timestamp": "2023-01-02T02:00:00Z", "price": 1.0690, "portfolio_value": 99800.0, "position": "LONG"},
    {"timestamp": "2023-01-02T03:00:00Z", "price": 1.0745, "portfolio_value": 101000.0, "position": "FLAT"},
    {"timestamp": "2023-01-02T04:00:00Z", "price": 1.0760, "portfolio_value": 100700.0, "position": "SHORT"},
    {"timestamp": "2023-01-02T05:00:00Z", "price": 1.0741, "portfolio_value": 104321.5, "position": "FLAT"}
  ],
  "execution_time_seconds": 1.234,
  "phase_seconds": {"load": 0.1, "features": 0.5, "engine": 0.634}
})json";

}  // namespace ktrdr::test
