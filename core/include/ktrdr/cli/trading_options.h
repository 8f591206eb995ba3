// The backtest options that ktrdr-backtest and ktrdr-submit share, defined once: --mode (parsed into a Mode
// right at the command line) and the trading costs. Boost.Program_options is only forward-declared here.
#pragma once

#include "ktrdr/common/mode.h"
#include "ktrdr/common/trading_costs.h"

namespace boost::program_options {
class options_description;
class value_semantic;
}  // namespace boost::program_options

namespace ktrdr::cli {

// The value of a --mode option: "ktrdr" | "corrected" parsed into a Mode (stored in *target when given,
// else read it with vm["mode"].as<Mode>()), `default_mode` when absent. An unknown word is a
// program_options error naming it and the two choices.
const boost::program_options::value_semantic* mode_value(Mode* target, Mode default_mode);

// --capital/-c, --commission, --slippage, --position-fraction, bound to `costs` (whose values are the
// defaults shown). Ranges are checked by TradingCosts::validate() / the protocol's validate(JobSpec).
void add_trading_costs_options(boost::program_options::options_description& desc, TradingCosts& costs);

}  // namespace ktrdr::cli
