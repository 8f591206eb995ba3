#include "ktrdr/data/bar_series.h"

#include <algorithm>

#include "ktrdr/common/error.h"
#include "ktrdr/common/time.h"

namespace ktrdr {

void BarSeries::reserve(size_t n) {
  ts_ns.reserve(n);
  open.reserve(n);
  high.reserve(n);
  low.reserve(n);
  close.reserve(n);
  volume.reserve(n);
}

void BarSeries::push_back(int64_t ts, double o, double h, double l, double c, double v) {
  ts_ns.push_back(ts);
  open.push_back(o);
  high.push_back(h);
  low.push_back(l);
  close.push_back(c);
  volume.push_back(v);
}

BarSeries BarSeries::slice(size_t begin, size_t end) const {
  end = std::min(end, size());
  begin = std::min(begin, end);
  BarSeries out;
  auto cut = [&](const auto& v) { return std::vector<typename std::decay_t<decltype(v)>::value_type>(
                                      v.begin() + static_cast<std::ptrdiff_t>(begin),
                                      v.begin() + static_cast<std::ptrdiff_t>(end)); };
  out.ts_ns = cut(ts_ns);
  out.open = cut(open);
  out.high = cut(high);
  out.low = cut(low);
  out.close = cut(close);
  out.volume = cut(volume);
  return out;
}

BarSeries BarSeries::between(int64_t start_ns, int64_t end_ns) const {
  auto b = std::lower_bound(ts_ns.begin(), ts_ns.end(), start_ns);
  auto e = std::upper_bound(ts_ns.begin(), ts_ns.end(), end_ns);
  if (e < b) e = b;
  return slice(static_cast<size_t>(b - ts_ns.begin()), static_cast<size_t>(e - ts_ns.begin()));
}

void BarSeries::validate(const std::string& origin) const {
  const size_t n = ts_ns.size();
  KTRDR_REQUIRE(open.size() == n && high.size() == n && low.size() == n && close.size() == n &&
                    volume.size() == n,
                "{}: OHLCV columns have different lengths", origin);
  for (size_t i = 1; i < n; ++i) {
    KTRDR_REQUIRE(ts_ns[i] > ts_ns[i - 1], "{}: bar {} ({}) is not after bar {} ({}); sort and deduplicate the data",
                  origin, i, format_iso_utc(ts_ns[i]), i - 1, format_iso_utc(ts_ns[i - 1]));
  }
}

}  // namespace ktrdr
