// OHLCV columns already in memory (a pandas DataFrame's, as numpy arrays) into the engine's BarSeries, with
// the CSV loader's rules (ktrdr/data/ohlcv_loader.h): at least one row; every price and volume a finite
// number; timestamps strictly increasing, duplicates and unsorted rows named; negative volume (the -1
// sentinel) becomes 0. Errors are ktrdr::Error texts naming `origin`, the row (0-based position), its
// timestamp, the problem and the fix.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ktrdr/data/bar_series.h"

namespace ktrdr::python {

// Timestamps as int64 ns since the epoch, UTC; kNaT marks a missing one (numpy's NaT as int64).
inline constexpr int64_t kNaT = INT64_MIN;

struct BarColumns {
  std::span<const int64_t> ts_ns;
  std::span<const double> open, high, low, close, volume;
};

BarSeries bars_from_columns(const BarColumns& columns, const std::string& origin);

// Timestamp texts parsed as the CSV loader does (ISO-8601 or YYYY-MM-DD; naive = UTC). Throws naming the
// row and the text.
std::vector<int64_t> parse_timestamp_texts(const std::vector<std::string>& texts, const std::string& origin);

}  // namespace ktrdr::python
