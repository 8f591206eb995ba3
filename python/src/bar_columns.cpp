#include "bar_columns.h"

#include <array>
#include <cmath>
#include <string_view>

#include "ktrdr/common/error.h"
#include "ktrdr/common/time.h"

namespace ktrdr::python {

BarSeries bars_from_columns(const BarColumns& c, const std::string& origin) {
  const size_t n = c.ts_ns.size();
  KTRDR_REQUIRE(c.open.size() == n && c.high.size() == n && c.low.size() == n && c.close.size() == n &&
                    c.volume.size() == n,
                "{}: the timestamp and OHLCV columns have different lengths", origin);
  KTRDR_REQUIRE(n > 0, "{}: no rows; pass at least one bar", origin);
  const std::array<std::span<const double>, 5> values{c.open, c.high, c.low, c.close, c.volume};
  static constexpr std::array<const char*, 5> kNames{"open", "high", "low", "close", "volume"};
  BarSeries bars;
  bars.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t ts = c.ts_ns[i];
    KTRDR_REQUIRE(ts != kNaT, "{}: row {}: the timestamp is missing (NaT); drop such rows", origin, i);
    for (size_t k = 0; k < values.size(); ++k) {
      const double v = values[k][i];
      KTRDR_REQUIRE(std::isfinite(v), "{}: row {} ({}): {} is {}; drop or fill such rows (e.g. df.dropna())",
                    origin, i, format_iso_utc(ts), kNames[k], std::isnan(v) ? "NaN" : "infinite");
    }
    if (i > 0) {
      const int64_t prev = c.ts_ns[i - 1];
      KTRDR_REQUIRE(ts != prev, "{}: row {}: duplicate timestamp {}; drop duplicates (e.g. keep the first)",
                    origin, i, format_iso_utc(ts));
      KTRDR_REQUIRE(ts > prev,
                    "{}: row {}: timestamp {} is before the previous row's {}; sort the data (e.g. "
                    "df.sort_index())",
                    origin, i, format_iso_utc(ts), format_iso_utc(prev));
    }
    const double volume = c.volume[i];
    bars.push_back(ts, c.open[i], c.high[i], c.low[i], c.close[i], volume < 0 ? 0.0 : volume);
  }
  return bars;
}

std::vector<int64_t> parse_timestamp_texts(const std::vector<std::string>& texts, const std::string& origin) {
  std::vector<int64_t> out;
  out.reserve(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    std::string_view text = texts[i];
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    const auto ts = try_parse_timestamp_ns(text);
    KTRDR_REQUIRE(ts.has_value(), "{}: row {}: cannot parse timestamp '{}' (use ISO-8601 or YYYY-MM-DD)",
                  origin, i, texts[i]);
    out.push_back(*ts);
  }
  return out;
}

}  // namespace ktrdr::python
