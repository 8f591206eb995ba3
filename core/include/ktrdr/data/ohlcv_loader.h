// Loading `{data_dir}/{symbol}_{timeframe}.csv` (docs/reference.md §13, docs/decisions.md "Data").
//
// Format: a header row; the first column is the timestamp (any name; ISO-8601 or date-only; naive = UTC),
// then open, high, low, close, volume (names matched case-insensitively, in any order after the first).
// Rejected with "file:line: problem": missing columns, unparsable numbers or timestamps, unsorted or
// duplicate timestamps, an empty file. Negative volume (the -1 sentinel) becomes 0 as in the reference.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ktrdr/data/bar_series.h"

namespace ktrdr {

class BarCache;
class ThreadPool;

struct DataRange {
  std::optional<int64_t> start_ns;  // inclusive
  std::optional<int64_t> end_ns;    // inclusive
};

// Parses one CSV file in full; with a pool, large files are parsed in chunks in parallel (same result).
BarSeries load_ohlcv_csv(const std::string& path, ThreadPool* pool = nullptr);
// Parses CSV text already in memory; `origin` names it in errors. With a pool, texts over 2 MB are parsed in
// contiguous chunks of lines, one per thread; bars and errors (line numbers included) are the same as
// without.
BarSeries parse_ohlcv_csv(std::string_view text, const std::string& origin);
BarSeries parse_ohlcv_csv(std::string_view text, const std::string& origin, ThreadPool* pool);
// Path of the data file for a symbol/timeframe; validates both names as the reference does
// (symbol ^[A-Za-z0-9_.-]+$ up to 20 chars, timeframe ^[0-9]+[mhdwM]$).
std::string ohlcv_path(const std::string& data_dir, const std::string& symbol, const std::string& timeframe);
// How load_ohlcv reads a file (neither changes the bars).
struct LoadOptions {
  BarCache* cache = nullptr;   // binary cache of parsed files (bar_cache.h); nullptr: parse every time
  ThreadPool* pool = nullptr;  // threads for parsing and cache checks; nullptr: the calling thread
};
// Loads and filters to the inclusive range. Throws if the file is missing (listing what the directory
// holds for that symbol) or the range leaves no bars.
BarSeries load_ohlcv(const std::string& data_dir, const std::string& symbol, const std::string& timeframe,
                     const DataRange& range = {}, const LoadOptions& options = {});
// Duration of a timeframe string ("5m", "1h", "1d", "1w"; "1M" = 30 days) in nanoseconds.
int64_t timeframe_ns(const std::string& timeframe);

}  // namespace ktrdr
