#include "ktrdr/report/summary_table.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "number_format.h"
#include "result_view.h"

namespace ktrdr::report {
namespace {

using detail::grouped;
using detail::percent;
using detail::ratio;

constexpr size_t kWidth = 72;
constexpr size_t kLabelWidth = 22;
constexpr size_t kValueWidth = 18;

// "Label ........ value   note": values right-aligned in one column, notes after it.
// Values with a unit (" %", " h", " s") keep their digits aligned with plain numbers.
void row(std::string& out, std::string_view label, std::string_view value, std::string_view note = {}) {
  const bool has_unit = value.size() >= 2 && value[value.size() - 2] == ' ';
  const std::string shown = has_unit ? std::string(value) : std::string(value) + "  ";
  std::string line = fmt::format("  {:<{}}{:>{}}", label, kLabelWidth, shown, kValueWidth);
  if (!note.empty() && note != "n/a") line += fmt::format("   {}", note);
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out += line;
  out += '\n';
}

std::string or_na(const std::optional<double>& v, std::string (*f)(double)) {
  return v ? f(*v) : "n/a";
}

std::string money(double v) {
  return grouped(v, 2);
}
std::string signed_money(double v) {
  return grouped(v, 2, true);
}
std::string pct(double v) {
  return percent(v, 2);
}
std::string signed_pct(double v) {
  return percent(v, 2, true);
}
std::string ratio2(double v) {
  return ratio(v, 2);
}

std::string count(const std::optional<double>& v) {
  return v ? fmt::format("{}", static_cast<long long>(std::llround(*v))) : "n/a";
}

// "2023-01-02T00:00:00" -> "2023-01-02" when the time is midnight; other forms verbatim.
std::string short_date(const std::string& iso) {
  if (iso.size() >= 19 && iso.compare(10, 9, "T00:00:00") == 0) return iso.substr(0, 10);
  return iso;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The extended block's keys as labels ("max_drawdown_duration_days" -> "Max drawdown duration"), with the
// unit its name implies: *_pct, cagr and volatilities are fractions shown as %, *_days in days.
std::pair<std::string, std::string> extended_row(const std::string& key, const nlohmann::ordered_json& v) {
  static const std::pair<const char*, const char*> kLabels[] = {
      {"cagr", "CAGR"},
      {"annualized_volatility", "Volatility (daily)"},
      {"trading_days", "Trading days"},
      {"sharpe_ratio", "Sharpe (daily)"},
      {"sortino_ratio", "Sortino (daily)"},
      {"sqn", "SQN"},
      {"buy_and_hold_return_pct", "Buy and hold return"},
      {"exposure_pct", "Exposure"},
      {"max_drawdown_duration_days", "Max drawdown duration"},
  };
  std::string label;
  for (const auto& [k, l] : kLabels) {
    if (key == k) label = l;
  }
  if (label.empty()) {
    label = key;
    if (ends_with(label, "_pct")) label.resize(label.size() - 4);
    if (ends_with(label, "_days")) label.resize(label.size() - 5);
    std::replace(label.begin(), label.end(), '_', ' ');
    if (!label.empty() && label[0] >= 'a' && label[0] <= 'z')
      label[0] = static_cast<char>(label[0] - 'a' + 'A');
  }
  std::string value;
  if (v.is_number_integer() || v.is_number_unsigned()) {
    value = v.dump();
  } else if (v.is_number_float()) {
    const double x = v.get<double>();
    if (ends_with(key, "_pct") || key == "cagr" || ends_with(key, "volatility")) {
      const bool is_return = key == "cagr" || key.find("return") != std::string::npos;
      value = percent(x, 2, is_return);
    } else if (ends_with(key, "_days")) {
      value = grouped(x, 1) + " d";
    } else if (key == "expectancy") {
      value = grouped(x, 2, true);
    } else {
      value = ratio(x, 2);
    }
  } else if (v.is_string()) {
    value = v.get<std::string>();
  } else if (v.is_boolean()) {
    value = v.get<bool>() ? "yes" : "no";
  } else {
    value = v.dump();
  }
  return {label, value};
}

}  // namespace

std::string render_summary_table(const std::string& result_json) {
  const detail::ResultView r = detail::read_result(result_json, detail::ResultParts::kWithoutSeries);
  std::string out;
  const std::string rule(kWidth, '-');

  // heading: who, what, when
  std::string heading = r.strategy_name.empty() ? "backtest" : r.strategy_name;
  if (!r.symbol.empty()) heading += "  " + r.symbol;
  if (!r.timeframe.empty()) heading += " " + r.timeframe;
  out += heading + "\n";
  std::string period;
  if (!r.start_date.empty() || !r.end_date.empty()) {
    period = short_date(r.start_date) + " .. " + short_date(r.end_date);
  }
  if (!r.mode.empty()) period += (period.empty() ? "" : "   ") + std::string("mode ") + r.mode;
  if (!period.empty()) out += period + "\n";
  out += rule + "\n";

  // capital and returns
  const auto initial = r.config_number("initial_capital");
  const auto total_return = r.metric("total_return");
  std::optional<double> final_equity;
  if (!r.equity.empty()) {
    final_equity = r.equity.back().portfolio_value;
  } else if (initial && total_return) {
    final_equity = *initial + *total_return;
  }
  row(out, "Initial capital", or_na(initial, money));
  row(out, "Final equity", or_na(final_equity, money));
  row(out, "Total return", or_na(total_return, signed_money),
      or_na(r.metric("total_return_pct"), signed_pct));
  row(out, "Annualized return", or_na(r.metric("annualized_return"), signed_pct));
  row(out, "Volatility (ann.)", or_na(r.metric("volatility"), pct));
  row(out, "Sharpe ratio", or_na(r.metric("sharpe_ratio"), ratio2));
  row(out, "Sortino ratio", or_na(r.metric("sortino_ratio"), ratio2));
  row(out, "Calmar ratio", or_na(r.metric("calmar_ratio"), ratio2));
  row(out, "Max drawdown", or_na(r.metric("max_drawdown"), money), or_na(r.metric("max_drawdown_pct"), pct));
  row(out, "Recovery factor", or_na(r.metric("recovery_factor"), ratio2));
  out += rule + "\n";

  // trades
  const auto wins = r.metric("winning_trades");
  const auto losses = r.metric("losing_trades");
  std::string won_lost;
  if (wins && losses) won_lost = fmt::format("{} won / {} lost", count(wins), count(losses));
  row(out, "Trades", count(r.metric("total_trades")), won_lost);
  row(out, "Win rate", or_na(r.metric("win_rate"), pct));
  row(out, "Profit factor", or_na(r.metric("profit_factor"), ratio2));
  row(out, "Average win", or_na(r.metric("avg_win"), signed_money));
  row(out, "Average loss", or_na(r.metric("avg_loss"), signed_money));
  row(out, "Largest win", or_na(r.metric("largest_win"), signed_money));
  row(out, "Largest loss", or_na(r.metric("largest_loss"), signed_money));
  const auto holding = r.metric("avg_holding_period");
  row(out, "Avg holding period", holding ? grouped(*holding, 1) + " h" : "n/a");

  // extended metrics (daily equity), in the engine's order
  if (const auto ext = r.doc.find("extended"); ext != r.doc.end() && ext->is_object() && !ext->empty()) {
    out += rule + "\n";
    out += "  Extended (from daily closes)\n";
    for (const auto& [key, value] : ext->items()) {
      if (value.is_object() || value.is_array()) continue;
      const auto [label, text] = extended_row(key, value);
      row(out, label, text);
    }
  }

  // run time
  if (const auto t = r.doc.find("execution_time_seconds"); t != r.doc.end() && t->is_number()) {
    out += rule + "\n";
    std::string phases;
    if (const auto ph = r.doc.find("phase_seconds"); ph != r.doc.end() && ph->is_object()) {
      for (const auto& [key, value] : ph->items()) {
        if (!value.is_number()) continue;
        phases += fmt::format("{}{} {:.2f}", phases.empty() ? "" : ", ", key, value.get<double>());
      }
    }
    row(out, "Run time", fmt::format("{:.2f} s", t->get<double>()), phases);
  }
  return out;
}

}  // namespace ktrdr::report
