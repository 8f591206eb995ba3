// Multi-timeframe alignment in both modes and raw-feature normalisation, on hand-made series.
#include <doctest/doctest.h>

#include <cmath>

#include "ktrdr/common/time.h"
#include "ktrdr/features/alignment.h"

using namespace ktrdr;
using ktrdr::Mode;

namespace {

constexpr int64_t kH = kNanosPerHour;
const double kNaN = std::nan("");

std::vector<int64_t> hours(int64_t first, int64_t count, int64_t step = 1) {
  std::vector<int64_t> ts;
  for (int64_t i = 0; i < count; ++i) ts.push_back((first + i * step) * kH);
  return ts;
}

void check_same(const std::vector<double>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("row " << i << ": got " << got[i] << ", want " << want[i]);
    if (std::isnan(want[i])) {
      CHECK(std::isnan(got[i]));
    } else {
      CHECK(got[i] == want[i]);
    }
  }
}

}  // namespace

TEST_CASE("ktrdr alignment: as-of on bar-open stamps (a 4h bar is visible from its open hour)") {
  const auto base = hours(0, 12);    // 1h bars 00:00 .. 11:00
  const auto four = hours(0, 3, 4);  // 4h bars 00:00, 04:00, 08:00
  const auto idx = features::alignment_index(base, kH, four, 4 * kH, Mode::kKtrdr);
  CHECK(idx == std::vector<int64_t>{0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2});
  check_same(features::align_column({10, 20, 30}, idx, Mode::kKtrdr),
             {10, 10, 10, 10, 20, 20, 20, 20, 30, 30, 30, 30});
}

TEST_CASE("corrected alignment: a higher-timeframe bar is visible only once it has closed") {
  const auto base = hours(0, 12);
  const auto four = hours(0, 3, 4);
  const auto idx = features::alignment_index(base, kH, four, 4 * kH, Mode::kCorrected);
  // The 00:00 4h bar closes at 04:00, which is when the 03:00 hourly bar closes.
  CHECK(idx == std::vector<int64_t>{-1, -1, -1, 0, 0, 0, 0, 1, 1, 1, 1, 2});
  check_same(features::align_column({10, 20, 30}, idx, Mode::kCorrected),
             {kNaN, kNaN, kNaN, 10, 10, 10, 10, 20, 20, 20, 20, 30});
}

TEST_CASE(
    "lower timeframe onto a higher base: ktrdr takes the first sub-bar, corrected the last closed one") {
  std::vector<int64_t> five;
  std::vector<double> values;
  for (int i = 0; i < 36; ++i) {  // 5m bars over 3 hours, values 0..35
    five.push_back(i * 5 * 60 * kNanosPerSecond);
    values.push_back(i);
  }
  const auto base = hours(0, 3);
  const auto k = features::alignment_index(base, kH, five, 300 * kNanosPerSecond, Mode::kKtrdr);
  check_same(features::align_column(values, k, Mode::kKtrdr), {0, 12, 24});  // reference: 0, 12, 24
  const auto c = features::alignment_index(base, kH, five, 300 * kNanosPerSecond, Mode::kCorrected);
  check_same(features::align_column(values, c, Mode::kCorrected), {11, 23, 35});
}

TEST_CASE("ktrdr alignment back-fills warm-up NaN from the future, then forward-fills, then 0") {
  const auto base = hours(0, 12);
  SUBCASE("base starts before the first 4h bar and the first 4h value is warm-up NaN") {
    const auto four = hours(2, 3, 4);  // 02:00, 06:00, 10:00
    const auto idx = features::alignment_index(base, kH, four, 4 * kH, Mode::kKtrdr);
    CHECK(idx == std::vector<int64_t>{-1, -1, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2});
    // reindexed: NaN NaN | NaN x4 | 7 x4 | 9 x2 -> back-filled with 7 (a future value: as-is)
    check_same(features::align_column({kNaN, 7, 9}, idx, Mode::kKtrdr), {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 9, 9});
    // corrected: nothing filled, nothing taken from the future
    const auto cidx = features::alignment_index(base, kH, four, 4 * kH, Mode::kCorrected);
    CHECK(cidx == std::vector<int64_t>{-1, -1, -1, -1, -1, 0, 0, 0, 0, 1, 1, 1});
    check_same(features::align_column({kNaN, 7, 9}, cidx, Mode::kCorrected),
               {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, 7, 7, 7});
  }
  SUBCASE("a trailing NaN is forward-filled and an all-NaN column becomes 0") {
    const auto four = hours(0, 3, 4);
    const auto idx = features::alignment_index(base, kH, four, 4 * kH, Mode::kKtrdr);
    check_same(features::align_column({1, 2, kNaN}, idx, Mode::kKtrdr), {1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2});
    check_same(features::align_column({kNaN, kNaN, kNaN}, idx, Mode::kKtrdr),
               {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  }
  SUBCASE("a column without NaN is left exactly as reindexed") {
    const auto four = hours(0, 3, 4);
    const auto idx = features::alignment_index(base, kH, four, 4 * kH, Mode::kKtrdr);
    check_same(features::align_column({0.25, -1.5, 3}, idx, Mode::kKtrdr),
               {0.25, 0.25, 0.25, 0.25, -1.5, -1.5, -1.5, -1.5, 3, 3, 3, 3});
  }
}

TEST_CASE("alignment over gaps: weekends and a missing higher-timeframe bar") {
  // daily bars Mon, Tue, Thu (Wed missing); hourly base on Wed 10:00 and Thu 10:00
  const int64_t mon = days_from_civil(2024, 1, 1) * kNanosPerDay;
  const std::vector<int64_t> days{mon, mon + kNanosPerDay, mon + 3 * kNanosPerDay};
  const std::vector<int64_t> base{mon + 2 * kNanosPerDay + 10 * kH, mon + 3 * kNanosPerDay + 10 * kH};
  CHECK(features::alignment_index(base, kH, days, kNanosPerDay, Mode::kKtrdr) == std::vector<int64_t>{1, 2});
  CHECK(features::alignment_index(base, kH, days, kNanosPerDay, Mode::kCorrected) ==
        std::vector<int64_t>{1, 1});
}

TEST_CASE("raw normalisation: minmax, zscore, degenerate ranges, none and unknown") {
  config::NormalizationParams p;
  std::vector<double> v{10, 15, 20, kNaN};
  p.method = "minmax";
  p.min = 10;
  p.max = 20;
  CHECK(features::normalize_column(v, p));
  check_same(v, {0, 0.5, 1, kNaN});

  v = {1, 2, 3, kNaN};
  p = {};
  p.method = "zscore";
  p.mean = 2;
  p.std = 0.5;
  CHECK(features::normalize_column(v, p));
  check_same(v, {-2, 0, 2, kNaN});

  v = {1, 2, kNaN};
  p = {};
  p.method = "minmax";
  p.min = 5;
  p.max = 5;  // max == min: the whole column becomes 0.0 (NaN included)
  CHECK(features::normalize_column(v, p));
  check_same(v, {0, 0, 0});

  v = {1, 2, kNaN};
  p = {};
  p.method = "zscore";  // std == 0
  CHECK(features::normalize_column(v, p));
  check_same(v, {0, 0, 0});

  v = {1, 2};
  p = {};
  p.method = "none";
  CHECK(features::normalize_column(v, p));
  check_same(v, {1, 2});
  p.method = "robust";
  CHECK_FALSE(features::normalize_column(v, p));
  check_same(v, {1, 2});
}
