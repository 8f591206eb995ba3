#include "ktrdr/report/summary_table.h"

#include <doctest/doctest.h>

#include <string>

#include "ktrdr/common/error.h"
#include "sample_result.h"

namespace {

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("summary table - exact values for a hand-made result") {
  const std::string t = ktrdr::report::render_summary_table(ktrdr::test::kSampleResult);
  INFO(t);
  // label column 22 wide after two spaces, values right-aligned to column 42, units/notes after them
  CHECK(has_line(t, "example_mlp  EURUSD 1h"));
  CHECK(has_line(t, "2023-01-02 .. 2023-06-30   mode corrected"));
  CHECK(has_line(t, "  Initial capital             100,000.00"));
  CHECK(has_line(t, "  Final equity                104,321.50"));  // the last equity point
  CHECK(has_line(t, "  Total return                 +4,321.50     +4.32 %"));
  CHECK(has_line(t, "  Annualized return                +8.91 %"));
  CHECK(has_line(t, "  Volatility (ann.)                12.30 %"));
  CHECK(has_line(t, "  Sharpe ratio                      1.23"));  // 1.2345 rounds to 1.23
  CHECK(has_line(t, "  Sortino ratio                     1.80"));
  CHECK(has_line(t, "  Calmar ratio                      3.79"));
  CHECK(has_line(t, "  Max drawdown                  2,345.68     2.35 %"));
  CHECK(has_line(t, "  Recovery factor                    inf"));  // the sanitised 999999
  CHECK(has_line(t, "  Trades                              42     25 won / 17 lost"));
  CHECK(has_line(t, "  Win rate                         59.52 %"));
  CHECK(has_line(t, "  Profit factor                     1.84"));
  CHECK(has_line(t, "  Average win                    +312.45"));
  CHECK(has_line(t, "  Average loss                   -198.76"));
  CHECK(has_line(t, "  Largest win                  +1,024.00"));
  CHECK(has_line(t, "  Largest loss                   -702.11"));
  CHECK(has_line(t, "  Avg holding period                13.5 h"));
  CHECK(has_line(t, "  Extended (from daily closes)"));
  CHECK(has_line(t, "  CAGR                             +9.12 %"));
  CHECK(has_line(t, "  Periods per year                   252"));
  CHECK(has_line(t, "  Exposure                         41.25 %"));
  CHECK(has_line(t, "  Max drawdown duration             12.2 d"));  // 12.25 -> 12.2 (round half to even)
  CHECK(has_line(t, "  Calendar                      weekdays"));
  CHECK(has_line(t, "  SQN                               1.23"));
  CHECK(has_line(t, "  Expectancy                      -12.50"));
  CHECK(has_line(t, "  Run time                          1.23 s   load 0.10, features 0.50, engine 0.63"));
  // engine order is kept: returns before trades before extended before run time
  CHECK(t.find("Total return") < t.find("Trades"));
  CHECK(t.find("Trades") < t.find("CAGR"));
  CHECK(t.find("CAGR") < t.find("Periods per year"));
  CHECK(t.find("Expectancy") < t.find("Run time"));
  CHECK(t.back() == '\n');
  for (size_t pos = 0, end; (end = t.find('\n', pos)) != std::string::npos; pos = end + 1) {
    CHECK_MESSAGE(end - pos <= 90, "line too long: ", t.substr(pos, end - pos));
    CHECK(t[end - 1] != ' ');  // no trailing blanks
  }
}

TEST_CASE("summary table - losses and missing metrics and no equity points") {
  const std::string json =
      R"({"strategy_name":"s","symbol":"X","timeframe":"1d","config":{"initial_capital":50000},
    "metrics":{"total_return":-1234.5,"total_return_pct":-0.02469,"total_trades":0,"win_rate":0.0,
               "profit_factor":0.0,"sharpe_ratio":-0.004},"equity_curve":[]})";
  const std::string t = ktrdr::report::render_summary_table(json);
  INFO(t);
  CHECK(has_line(t, "s  X 1d"));
  CHECK(has_line(t, "  Final equity                 48,765.50"));  // initial + total_return
  CHECK(has_line(t, "  Total return                 -1,234.50     -2.47 %"));
  CHECK(has_line(t, "  Sharpe ratio                     -0.00") == false);  // no "-0.00"
  CHECK(has_line(t, "  Sharpe ratio                      0.00"));
  CHECK(has_line(t, "  Trades                               0"));
  CHECK(has_line(t, "  Max drawdown                       n/a"));
  CHECK(t.find("Extended") == std::string::npos);
  CHECK(t.find("Run time") == std::string::npos);
}

TEST_CASE("summary table - unreadable input is an error that says so") {
  CHECK_THROWS_WITH_AS(ktrdr::report::render_summary_table("[]"),
                       "result JSON must be an object (got array); pass the output of `results --json`",
                       ktrdr::Error);
  CHECK_THROWS_AS(ktrdr::report::render_summary_table(""), ktrdr::Error);
}
