// OHLCV bars as struct-of-arrays: equal-length columns, timestamps strictly increasing (checked at load).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ktrdr {

struct BarSeries {
  std::vector<int64_t> ts_ns;  // bar-open time, UTC nanoseconds
  std::vector<double> open;
  std::vector<double> high;
  std::vector<double> low;
  std::vector<double> close;
  std::vector<double> volume;

  size_t size() const { return ts_ns.size(); }
  bool empty() const { return ts_ns.empty(); }
  void reserve(size_t n);
  void push_back(int64_t ts, double o, double h, double l, double c, double v);
  // Bars [begin, end).
  BarSeries slice(size_t begin, size_t end) const;
  // Bars with start_ns <= ts <= end_ns (inclusive both ends, as the reference).
  BarSeries between(int64_t start_ns, int64_t end_ns) const;
  // Throws ktrdr::Error if the columns differ in length or timestamps are not strictly increasing.
  void validate(const std::string& origin) const;
};

}  // namespace ktrdr
