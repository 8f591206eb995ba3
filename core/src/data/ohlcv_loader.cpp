#include "ktrdr/data/ohlcv_loader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ktrdr/common/error.h"
#include "ktrdr/common/time.h"
#include "ktrdr/data/bar_cache.h"

namespace ktrdr {
BarSeries load_ohlcv_csv(const std::string& path, ThreadPool* pool) {
  // The file is parsed where the page cache holds it (a read-only mapping): reading it into a string first
  // zero-filled and copied as many bytes as the file has, which cost more than parsing it (1 M bars: 62 MB).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  KTRDR_REQUIRE(fd >= 0, "{}: cannot open the file", path);
  struct stat st {};
  const bool sized = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  const size_t size = sized ? static_cast<size_t>(st.st_size) : 0;
  void* map = size > 0 ? ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0) : MAP_FAILED;
  ::close(fd);
  if (map == MAP_FAILED) {  // empty or not a regular file: read it as a stream
    std::ifstream in(path, std::ios::binary);
    KTRDR_REQUIRE(in.good(), "{}: cannot open the file", path);
    std::ostringstream text;
    text << in.rdbuf();
    return parse_ohlcv_csv(text.str(), path, pool);
  }
  struct Unmap {
    void* p;
    size_t n;
    ~Unmap() { ::munmap(p, n); }
  } unmap{map, size};
  return parse_ohlcv_csv(std::string_view(static_cast<const char*>(map), size), path, pool);
}

std::string ohlcv_path(const std::string& data_dir, const std::string& symbol, const std::string& timeframe) {
  const bool symbol_ok =
      !symbol.empty() && symbol.size() <= 20 && std::all_of(symbol.begin(), symbol.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
      });
  KTRDR_REQUIRE(symbol_ok, "symbol '{}' is invalid: use 1-20 characters from A-Z a-z 0-9 _ - .", symbol);
  (void)timeframe_ns(timeframe);
  return (std::filesystem::path(data_dir) / (symbol + "_" + timeframe + ".csv")).string();
}

BarSeries load_ohlcv(const std::string& data_dir, const std::string& symbol, const std::string& timeframe,
                     const DataRange& range, const LoadOptions& options) {
  const std::string path = ohlcv_path(data_dir, symbol, timeframe);
  if (!std::filesystem::exists(path)) {
    std::string have;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(data_dir, ec)) {
      const std::string name = e.path().filename().string();
      if (name.rfind(symbol + "_", 0) == 0) have += (have.empty() ? "" : ", ") + name;
    }
    KTRDR_FAIL("no data file {} (data dir {} has {} for {})", path, data_dir, have.empty() ? "nothing" : have,
               symbol);
  }
  auto read = [&](const DataRange& r) {
    if (options.cache != nullptr) return options.cache->load(path, r, options.pool);
    BarSeries all = load_ohlcv_csv(path, options.pool);
    return r.start_ns || r.end_ns ? all.between(r.start_ns.value_or(INT64_MIN), r.end_ns.value_or(INT64_MAX))
                                  : all;
  };
  if (range.start_ns && range.end_ns)
    KTRDR_REQUIRE(*range.start_ns <= *range.end_ns, "start {} is after end {}",
                  format_iso_utc(*range.start_ns), format_iso_utc(*range.end_ns));
  BarSeries bars = read(range);
  if (bars.empty()) {  // the range leaves nothing: say what the file covers
    const BarSeries all = read({});
    KTRDR_FAIL("{}: no bars between {} and {} (the file covers {} .. {})", path,
               range.start_ns ? format_iso_utc(*range.start_ns) : "-",
               range.end_ns ? format_iso_utc(*range.end_ns) : "-", format_iso_utc(all.ts_ns.front()),
               format_iso_utc(all.ts_ns.back()));
  }
  return bars;
}

BarSeries filter_range(const BarSeries& bars, const DataRange& range, const std::string& origin) {
  if (!range.start_ns && !range.end_ns) return bars;
  const int64_t s = range.start_ns.value_or(INT64_MIN);
  const int64_t e = range.end_ns.value_or(INT64_MAX);
  KTRDR_REQUIRE(s <= e, "start {} is after end {}", format_iso_utc(s), format_iso_utc(e));
  KTRDR_REQUIRE(!bars.empty(), "{}: no bars", origin);
  BarSeries cut = bars.between(s, e);
  KTRDR_REQUIRE(!cut.empty(), "{}: no bars between {} and {} (the data covers {} .. {})", origin,
                range.start_ns ? format_iso_utc(s) : "-", range.end_ns ? format_iso_utc(e) : "-",
                format_iso_utc(bars.ts_ns.front()), format_iso_utc(bars.ts_ns.back()));
  return cut;
}

int64_t timeframe_ns(const std::string& tf) {
  size_t i = 0;
  int64_t n = 0;
  while (i < tf.size() && std::isdigit(static_cast<unsigned char>(tf[i]))) n = n * 10 + (tf[i++] - '0');
  KTRDR_REQUIRE(i > 0 && i + 1 == tf.size() && n > 0,
                "timeframe '{}' is invalid: use a number and a unit m/h/d/w/M, e.g. 5m, 1h, 1d", tf);
  switch (tf[i]) {
    case 'm':
      return n * 60 * kNanosPerSecond;
    case 'h':
      return n * kNanosPerHour;
    case 'd':
      return n * kNanosPerDay;
    case 'w':
      return n * 7 * kNanosPerDay;
    case 'M':
      return n * 30 * kNanosPerDay;
  }
  KTRDR_FAIL("timeframe '{}' is invalid: use a number and a unit m/h/d/w/M, e.g. 5m, 1h, 1d", tf);
}

}  // namespace ktrdr
