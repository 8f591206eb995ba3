#include <doctest/doctest.h>

#include "ktrdr/common/error.h"
#include "ktrdr/common/time.h"

using namespace ktrdr;

TEST_CASE("timestamps: date-only and ISO forms parse to UTC nanoseconds") {
  CHECK(*try_parse_timestamp_ns("1970-01-01") == 0);
  CHECK(*try_parse_timestamp_ns("2020-01-06") == 1578268800LL * kNanosPerSecond);
  CHECK(*try_parse_timestamp_ns("2020-01-06T00:00:00Z") == 1578268800LL * kNanosPerSecond);
  CHECK(*try_parse_timestamp_ns("2020-01-06 01:30") == (1578268800LL + 5400) * kNanosPerSecond);
  CHECK(*try_parse_timestamp_ns("2020-01-06T02:00:00+01:00") == (1578268800LL + 3600) * kNanosPerSecond);
  CHECK(*try_parse_timestamp_ns("2020-01-06T00:00:00.5") == 1578268800LL * kNanosPerSecond + 500000000);
}

TEST_CASE("timestamps: malformed input is rejected, not half-parsed") {
  CHECK_FALSE(try_parse_timestamp_ns("2020-13-01"));
  CHECK_FALSE(try_parse_timestamp_ns("2021-02-29"));
  CHECK(try_parse_timestamp_ns("2020-02-29"));
  CHECK_FALSE(try_parse_timestamp_ns("2020-01-06T25:00"));
  CHECK_FALSE(try_parse_timestamp_ns("2020-01-06X"));
  CHECK_FALSE(try_parse_timestamp_ns("yesterday"));
  CHECK_FALSE(try_parse_timestamp_ns(""));
  CHECK_THROWS_WITH_AS(parse_timestamp_ns("2020/01/06", "--start"),
                       doctest::Contains("--start: '2020/01/06' is not a date"), Error);
}

TEST_CASE("timestamps: ISO formatting round-trips") {
  CHECK(format_iso_utc(0) == "1970-01-01T00:00:00Z");
  CHECK(format_iso_utc(1578268800LL * kNanosPerSecond) == "2020-01-06T00:00:00Z");
  CHECK(format_iso_utc(951782400LL * kNanosPerSecond + 3723 * kNanosPerSecond) == "2000-02-29T01:02:03Z");
  const int64_t t = *try_parse_timestamp_ns("2024-06-01T13:45:10Z");
  CHECK(*try_parse_timestamp_ns(format_iso_utc(t)) == t);
}

TEST_CASE("timestamps: whole days between dates floor like Python's timedelta.days") {
  const int64_t a = *try_parse_timestamp_ns("2020-01-16");
  const int64_t b = *try_parse_timestamp_ns("2020-08-13");
  CHECK(whole_days_between(a, b) == 210);
  CHECK(whole_days_between(a, a + kNanosPerDay - 1) == 0);
  CHECK(whole_days_between(a, a - 1) == -1);
}
