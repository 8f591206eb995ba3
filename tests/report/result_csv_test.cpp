// trades.csv / equity.csv exports: exact rows from a hand-made result, shortest round-trip numbers, empty
// cells for missing fields, clear errors for unreadable input.
#include <doctest/doctest.h>

#include "ktrdr/common/error.h"
#include "ktrdr/report/result_csv.h"
#include "sample_result.h"

TEST_CASE("equity csv has one row per equity point in order with numbers as the JSON holds them") {
  CHECK(ktrdr::report::equity_csv(ktrdr::test::kSampleResult) ==
        "timestamp,price,portfolio_value,position\n"
        "2023-01-02T00:00:00Z,1.07,100000,FLAT\n"
        "2023-01-02T01:00:00Z,1.0712,100500,LONG\n"
        "2023-01-02T02:00:00Z,1.069,99800,LONG\n"
        "2023-01-02T03:00:00Z,1.0745,101000,FLAT\n"
        "2023-01-02T04:00:00Z,1.076,100700,SHORT\n"
        "2023-01-02T05:00:00Z,1.0741,104321.5,FLAT\n");
}

TEST_CASE("trades csv has the reference columns and empty cells for fields a trade lacks") {
  const std::string header =
      "trade_id,symbol,side,entry_time,entry_price,exit_time,exit_price,quantity,gross_pnl,commission,"
      "slippage,net_pnl,holding_period_hours,max_favorable_excursion,max_adverse_excursion,confidence\n";
  CHECK(ktrdr::report::trades_csv(ktrdr::test::kSampleResult) ==
        header +
            "1,,LONG,2023-01-02T01:00:00Z,1.0712,2023-01-02T03:00:00Z,1.0745,23000,,,,700.5,,,,\n"
            "2,,SHORT,2023-01-02T04:00:00Z,1.076,2023-01-02T05:00:00Z,1.0741,23100,,,,420.25,,,,\n");
  const std::string with_meta =
      R"({"trades": [{"trade_id": "7", "net_pnl": -1.5e-7, "decision_metadata": {"confidence": 0.8125}}],
          "equity_curve": []})";
  CHECK(ktrdr::report::trades_csv(with_meta) == header + "7,,,,,,,,,,,-1.5e-07,,,,0.8125\n");
  CHECK(ktrdr::report::equity_csv(with_meta) == "timestamp,price,portfolio_value,position\n");
}

TEST_CASE("csv exports refuse text that is not a result object") {
  CHECK_THROWS_AS(ktrdr::report::equity_csv("{\"equity_curve\": [1, 2"), ktrdr::Error);
  CHECK_THROWS_AS(ktrdr::report::trades_csv("[]"), ktrdr::Error);
  CHECK_THROWS_AS(ktrdr::report::trades_csv(""), ktrdr::Error);
}
