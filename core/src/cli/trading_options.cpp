// --mode and the trading-cost options (trading_options.h).
#include "ktrdr/cli/trading_options.h"

#include <fmt/format.h>
#include <boost/program_options.hpp>

namespace ktrdr {

// Boost.Program_options finds this by argument-dependent lookup for po::value<Mode>.
void validate(boost::any& v, const std::vector<std::string>& values, Mode*, int) {
  namespace po = boost::program_options;
  po::validators::check_first_occurrence(v);
  const std::string& text = po::validators::get_single_string(values);
  const std::optional<Mode> mode = parse_mode(text);
  if (!mode) {
    throw po::error(
        fmt::format("--mode {} is unknown: use ktrdr (the reference, as-is behaviours included) or corrected "
                    "(docs/modes.md)",
                    text));
  }
  v = boost::any(*mode);
}

namespace cli {

namespace po = boost::program_options;

const po::value_semantic* mode_value(Mode* target, Mode default_mode) {
  return po::value<Mode>(target)
      ->default_value(default_mode, std::string(to_string(default_mode)))
      ->value_name("ktrdr|corrected");
}

void add_trading_costs_options(po::options_description& desc, TradingCosts& costs) {
  auto shown = [](double v) { return fmt::format("{}", v); };
  desc.add_options()(
      "capital,c",
      po::value(&costs.initial_capital)->default_value(costs.initial_capital, shown(costs.initial_capital)),
      "initial capital")(
      "commission", po::value(&costs.commission)->default_value(costs.commission, shown(costs.commission)),
      "commission per fill (each leg), fraction of traded value")(
      "slippage", po::value(&costs.slippage)->default_value(costs.slippage, shown(costs.slippage)),
      "slippage per fill, fraction of price")(
      "position-fraction",
      po::value(&costs.position_fraction)
          ->default_value(costs.position_fraction, shown(costs.position_fraction)),
      "fraction of available capital per entry");
}

}  // namespace cli
}  // namespace ktrdr
