// CSV exports of a result JSON (as written by `ktrdr-backtest run --output` / `ktrdr-submit results --json`).
#pragma once

#include <string>

namespace ktrdr::report {

// Header: trade_id,symbol,side,entry_time,entry_price,exit_time,exit_price,quantity,gross_pnl,commission,
// slippage,net_pnl,holding_period_hours,max_favorable_excursion,max_adverse_excursion,confidence
std::string trades_csv(const std::string& result_json);
// Header: timestamp,price,portfolio_value,position
std::string equity_csv(const std::string& result_json);

}  // namespace ktrdr::report
