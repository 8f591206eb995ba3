// The equity curve of the result document is written by hand, block by block, with a cached date part.
// These cases pin its text byte for byte against the straightforward way of writing it (format_iso_utc per
// point, fmt "{}" per double plus ".0" when the text has no '.', 'e' or 'n', "null" for non-finite values),
// on stamps and values chosen to hit every branch: day changes, fractional seconds, stamps before 1970,
// numbers fmt prints in exponent form, -0.0, NaN/inf, every indentation.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "ktrdr/common/time.h"
#include "ktrdr/engine/result_json.h"

using namespace ktrdr;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

std::string reference_double(double v) {
  if (!std::isfinite(v)) return "null";
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

std::string reference_curve(const std::vector<metrics::EquityPoint>& curve, int indent) {
  // "\n" + spaces (built with append: GCC 12 warns falsely about operator+ on these strings)
  std::string item_pad, close_pad;
  if (indent >= 0) {
    item_pad.append(1, '\n').append(static_cast<size_t>(2 * indent), ' ');
    close_pad.append(1, '\n').append(static_cast<size_t>(indent), ' ');
  }
  const std::string sep = indent < 0 ? ":" : ": ";
  std::string out = "[";
  for (size_t i = 0; i < curve.size(); ++i) {
    const auto& e = curve[i];
    if (i) out += ',';
    out += item_pad;
    out += fmt::format(R"({{"timestamp"{0}"{1}","price"{0}{2},"portfolio_value"{0}{3},"position"{0}"{4}"}})",
                       sep, format_iso_utc(e.ts_ns), reference_double(e.price),
                       reference_double(e.portfolio_value), decision::to_string(e.position));
  }
  if (!curve.empty()) out += close_pad;
  out += ']';
  return out;
}

// The text of the "equity_curve" value in a result document.
std::string curve_text(const std::string& doc) {
  const std::string key = "\"equity_curve\":";
  const size_t at = doc.find(key);
  REQUIRE(at != std::string::npos);
  size_t begin = doc.find('[', at);
  size_t end = doc.find(']', begin);
  REQUIRE(end != std::string::npos);
  return doc.substr(begin, end - begin + 1);
}

std::vector<metrics::EquityPoint> edge_curve() {
  using decision::PositionSide;
  const int64_t day = days_from_civil(2024, 2, 28) * kNanosPerDay;
  const std::vector<double> values{100000.0,
                                   1.1,
                                   0.1,
                                   -0.0,
                                   0.0,
                                   1e-07,
                                   1e16,
                                   1e22,
                                   123456789012345680.0,
                                   5e-324,
                                   1.7976931348623157e308,
                                   -2.5,
                                   kNaN,
                                   kInf,
                                   -kInf,
                                   93760.57242189947};
  const std::vector<int64_t> stamps{
      day,                                                                          // midnight
      day + 23 * kNanosPerHour + 59 * 60 * kNanosPerSecond + 59 * kNanosPerSecond,  // last second of the day
      day + kNanosPerDay,                                                           // Feb 29 (leap year)
      day + 2 * kNanosPerDay + 1,                   // 1 ns past midnight: fractional seconds
      day + 2 * kNanosPerDay + 500'000'000,         // half a second
      day + 2 * kNanosPerDay + kNanosPerHour,       // back to whole seconds, same day as the fractional ones
      0,                                            // the epoch
      -1,                                           // 1 ns before it
      -kNanosPerDay + 3 * kNanosPerHour,            // 1969-12-31T03:00:00Z
      days_from_civil(1677, 9, 22) * kNanosPerDay,  // near the int64 nanosecond minimum
      days_from_civil(2262, 4, 11) * kNanosPerDay,  // near the maximum
      day,                                          // back to a day seen before
  };
  std::vector<metrics::EquityPoint> curve;
  const PositionSide sides[] = {PositionSide::kFlat, PositionSide::kLong, PositionSide::kShort};
  for (size_t i = 0; i < std::max(values.size(), stamps.size()) * 3; ++i) {
    metrics::EquityPoint e;
    e.ts_ns = stamps[i % stamps.size()];
    e.price = values[i % values.size()];
    e.portfolio_value = values[(i * 7 + 3) % values.size()];
    e.position = sides[i % 3];
    curve.push_back(e);
  }
  // a long hourly run (many output blocks, day changes every 24 points)
  for (int64_t h = 0; h < 20'000; ++h) {
    metrics::EquityPoint e;
    e.ts_ns = day + h * kNanosPerHour;
    e.price = 1.1 + static_cast<double>(h) * 1e-5;
    e.portfolio_value = 100000.0 - static_cast<double>(h) / 3.0;
    e.position = sides[(h / 5) % 3];
    curve.push_back(e);
  }
  return curve;
}

}  // namespace

TEST_CASE("result JSON equity curve: byte for byte the straightforward text, every indentation") {
  engine::BacktestResult r;
  r.equity_curve = edge_curve();
  for (int indent : {-1, 0, 2, 4}) {
    CAPTURE(indent);
    const std::string doc = engine::result_to_json({}, engine::EngineOptions{}, r, {indent, false});
    const std::string got = curve_text(doc);
    const std::string want = reference_curve(r.equity_curve, indent);
    REQUIRE(got.size() == want.size());
    CHECK(got == want);
  }
}

TEST_CASE("result JSON equity curve: empty and single-point curves") {
  engine::BacktestResult r;
  CHECK(curve_text(engine::result_to_json({}, engine::EngineOptions{}, r)) == "[]");
  CHECK(curve_text(engine::result_to_json({}, engine::EngineOptions{}, r, {-1, false})) == "[]");
  metrics::EquityPoint e;
  e.ts_ns = days_from_civil(2020, 1, 6) * kNanosPerDay + 9 * kNanosPerHour;
  e.price = 1.25;
  e.portfolio_value = 100000.0;
  e.position = decision::PositionSide::kLong;
  r.equity_curve.push_back(e);
  CHECK(
      curve_text(engine::result_to_json({}, engine::EngineOptions{}, r, {-1, false})) ==
      R"([{"timestamp":"2020-01-06T09:00:00Z","price":1.25,"portfolio_value":100000.0,"position":"LONG"}])");
  CHECK(curve_text(engine::result_to_json({}, engine::EngineOptions{}, r, {2, false})) ==
        "[\n    {\"timestamp\": \"2020-01-06T09:00:00Z\",\"price\": 1.25,\"portfolio_value\": 100000.0,"
        "\"position\": \"LONG\"}\n  ]");
}
