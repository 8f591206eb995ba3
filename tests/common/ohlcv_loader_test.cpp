#include <doctest/doctest.h>

#include "ktrdr/common/error.h"
#include "ktrdr/common/time.h"
#include "ktrdr/data/ohlcv_loader.h"

using namespace ktrdr;

TEST_CASE("loader: reference cache format (unnamed index, ISO Z stamps)") {
  const auto bars = parse_ohlcv_csv(
      ",open,high,low,close,volume\n"
      "2020-01-06T00:00:00Z,1.1,1.10071,1.09939,1.10064,7012\n"
      "2020-01-06T01:00:00Z,1.10058,1.1008,1.09973,1.1005,-1\n",
      "mem.csv");
  REQUIRE(bars.size() == 2);
  CHECK(bars.ts_ns[1] - bars.ts_ns[0] == kNanosPerHour);
  CHECK(bars.open[0] == 1.1);
  CHECK(bars.high[0] == 1.10071);
  CHECK(bars.close[1] == 1.1005);
  CHECK(bars.volume[0] == 7012.0);
  CHECK(bars.volume[1] == 0.0);  // -1 sentinel becomes 0
}

TEST_CASE("loader: date-only stamps, named index, any column order and case") {
  const auto bars = parse_ohlcv_csv("date,Close,Open,High,Low,Volume\n2023-01-01,2,1,3,0.5,10\n2023-01-02,3,2,4,1,11\n",
                                    "demo.csv");
  REQUIRE(bars.size() == 2);
  CHECK(bars.open[0] == 1.0);
  CHECK(bars.close[0] == 2.0);
  CHECK(bars.ts_ns[0] == *try_parse_timestamp_ns("2023-01-01"));
}

TEST_CASE("loader: malformed files are rejected with file:line and the problem") {
  CHECK_THROWS_WITH_AS(parse_ohlcv_csv("", "a.csv"), doctest::Contains("a.csv: the file is empty"), Error);
  CHECK_THROWS_WITH_AS(parse_ohlcv_csv("t,open,high,low,close\n2020-01-01,1,1,1,1\n", "b.csv"),
                       doctest::Contains("b.csv:1: missing column(s) volume"), Error);
  CHECK_THROWS_WITH_AS(parse_ohlcv_csv("t,open,high,low,close,volume\n2020-01-01,1,x,1,1,1\n", "c.csv"),
                       doctest::Contains("c.csv:2: high 'x' is not a number"), Error);
  CHECK_THROWS_WITH_AS(parse_ohlcv_csv("t,open,high,low,close,volume\nsoon,1,1,1,1,1\n", "d.csv"),
                       doctest::Contains("d.csv:2: cannot parse timestamp 'soon'"), Error);
  CHECK_THROWS_WITH_AS(
      parse_ohlcv_csv("t,open,high,low,close,volume\n2020-01-02,1,1,1,1,1\n2020-01-01,1,1,1,1,1\n", "e.csv"),
      doctest::Contains("e.csv:3: timestamp 2020-01-01T00:00:00Z is before"), Error);
  CHECK_THROWS_WITH_AS(
      parse_ohlcv_csv("t,open,high,low,close,volume\n2020-01-02,1,1,1,1,1\n2020-01-02,1,1,1,1,1\n", "f.csv"),
      doctest::Contains("f.csv:3: duplicate timestamp"), Error);
  CHECK_THROWS_WITH_AS(parse_ohlcv_csv("t,open,high,low,close,volume\n2020-01-02,1,1,1\n", "g.csv"),
                       doctest::Contains("g.csv:2: expected 6 fields, found 4"), Error);
}

TEST_CASE("loader: inclusive date filter and file naming") {
  BarSeries all;
  for (int h = 0; h < 48; ++h) all.push_back(*try_parse_timestamp_ns("2024-05-31") + h * kNanosPerHour, 1, 1, 1, 1, 1);
  const auto cut = all.between(*try_parse_timestamp_ns("2024-05-31T10:00:00Z"), *try_parse_timestamp_ns("2024-06-01"));
  REQUIRE(cut.size() == 15);  // 10:00..23:00 plus the 00:00 bar of the end day
  CHECK(format_iso_utc(cut.ts_ns.back()) == "2024-06-01T00:00:00Z");
  CHECK(ohlcv_path("data", "EURUSD", "1h") == "data/EURUSD_1h.csv");
  CHECK_THROWS_AS(ohlcv_path("data", "EUR/USD", "1h"), Error);
  CHECK_THROWS_AS(ohlcv_path("data", "EURUSD", "hourly"), Error);
  CHECK(timeframe_ns("5m") == 300 * kNanosPerSecond);
  CHECK(timeframe_ns("1d") == kNanosPerDay);
}

TEST_CASE("loader: golden data file loads with the expected bar count") {
  const auto bars = load_ohlcv(KTRDR_TEST_DATA "/golden/v2_macd_roc_raw/data", "EURUSD", "1h",
                               {*try_parse_timestamp_ns("2020-01-16"), *try_parse_timestamp_ns("2020-08-13")});
  CHECK(bars.size() == 3601);
  CHECK_THROWS_WITH_AS(load_ohlcv(KTRDR_TEST_DATA "/golden/v2_macd_roc_raw/data", "GBPUSD", "1h"),
                       doctest::Contains("no data file"), Error);
}
