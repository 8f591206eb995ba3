#include "ktrdr/data/ohlcv_loader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "ktrdr/common/error.h"
#include "ktrdr/common/time.h"

namespace ktrdr {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '"'))
    s.remove_suffix(1);
  return s;
}

// Splits one line on commas into at most out.size() fields; returns the field count.
size_t split_fields(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      out.push_back(line.substr(start));
      break;
    }
    out.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
  return out.size();
}

bool parse_double(std::string_view s, double& out) {
  s = trim(s);
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  const auto res = std::from_chars(s.data(), s.data() + s.size(), out);
  return res.ec == std::errc() && res.ptr == s.data() + s.size();
}

}  // namespace

BarSeries parse_ohlcv_csv(std::string_view text, const std::string& origin) {
  // Header.
  size_t pos = 0;
  size_t line_no = 0;
  auto next_line = [&](std::string_view& line) -> bool {
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      line = text.substr(pos, nl - pos);
      pos = nl + 1;
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!trim(line).empty()) return true;
    }
    return false;
  };
  std::string_view line;
  KTRDR_REQUIRE(next_line(line),
                "{}: the file is empty; expected a header row timestamp,open,high,low,close,volume", origin);
  std::vector<std::string_view> fields;
  split_fields(line, fields);
  // Column positions of open, high, low, close, volume.
  std::array<int, 5> col{-1, -1, -1, -1, -1};
  static constexpr std::array<const char*, 5> kNames{"open", "high", "low", "close", "volume"};
  for (size_t i = 1; i < fields.size(); ++i) {
    const std::string name = lower(trim(fields[i]));
    for (size_t k = 0; k < kNames.size(); ++k)
      if (name == kNames[k] && col[k] < 0) col[k] = static_cast<int>(i);
  }
  std::string missing;
  for (size_t k = 0; k < kNames.size(); ++k)
    if (col[k] < 0) missing += (missing.empty() ? "" : ", ") + std::string(kNames[k]);
  KTRDR_REQUIRE(missing.empty(),
                "{}:{}: missing column(s) {}; the header must be timestamp,open,high,low,close,volume "
                "(first column is the timestamp)",
                origin, line_no, missing);
  const size_t need = static_cast<size_t>(*std::max_element(col.begin(), col.end())) + 1;

  BarSeries bars;
  bars.reserve(text.size() / 48 + 1);
  std::array<double, 5> v{};
  while (next_line(line)) {
    const size_t n = split_fields(line, fields);
    KTRDR_REQUIRE(n >= need, "{}:{}: expected {} fields, found {}", origin, line_no, need, n);
    const auto ts = try_parse_timestamp_ns(trim(fields[0]));
    KTRDR_REQUIRE(ts.has_value(), "{}:{}: cannot parse timestamp '{}' (use ISO-8601 or YYYY-MM-DD)", origin,
                  line_no, trim(fields[0]));
    for (size_t k = 0; k < 5; ++k) {
      KTRDR_REQUIRE(parse_double(fields[static_cast<size_t>(col[k])], v[k]), "{}:{}: {} '{}' is not a number",
                    origin, line_no, kNames[k], trim(fields[static_cast<size_t>(col[k])]));
    }
    if (!bars.empty()) {
      const int64_t prev = bars.ts_ns.back();
      KTRDR_REQUIRE(*ts != prev, "{}:{}: duplicate timestamp {}", origin, line_no, format_iso_utc(*ts));
      KTRDR_REQUIRE(*ts > prev, "{}:{}: timestamp {} is before the previous row's {}; sort the file", origin,
                    line_no, format_iso_utc(*ts), format_iso_utc(prev));
    }
    bars.push_back(*ts, v[0], v[1], v[2], v[3], v[4] < 0 ? 0.0 : v[4]);
  }
  KTRDR_REQUIRE(!bars.empty(), "{}: no data rows after the header", origin);
  return bars;
}

BarSeries load_ohlcv_csv(const std::string& path) {
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
    return parse_ohlcv_csv(text.str(), path);
  }
  struct Unmap {
    void* p;
    size_t n;
    ~Unmap() { ::munmap(p, n); }
  } unmap{map, size};
  return parse_ohlcv_csv(std::string_view(static_cast<const char*>(map), size), path);
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
                     const DataRange& range) {
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
  BarSeries bars = load_ohlcv_csv(path);
  if (!range.start_ns && !range.end_ns) return bars;
  return filter_range(bars, range, path);
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
