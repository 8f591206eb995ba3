// The OHLCV parser's fast paths (plain decimals, fixed-width ISO stamps, chunks parsed in parallel) against
// the straightforward parse they replaced: split on commas, trim, std::from_chars, try_parse_timestamp_ns,
// one pass. Values are compared bit for bit, errors by their exact text.
#include <doctest/doctest.h>

#include <charconv>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "ktrdr/common/error.h"
#include "ktrdr/common/thread_pool.h"
#include "ktrdr/common/time.h"
#include "ktrdr/data/ohlcv_loader.h"

using namespace ktrdr;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '"'))
    s.remove_suffix(1);
  return s;
}

double slow_number(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size())
    throw std::runtime_error("test data: " + std::string(s));
  return v;
}

// The one-pass parse of a valid file with the header timestamp,open,high,low,close,volume.
BarSeries slow_parse(const std::string& text) {
  BarSeries bars;
  size_t pos = text.find('\n') + 1;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + pos, nl - pos);
    pos = nl + 1;
    if (trim(line).empty()) continue;
    std::vector<std::string_view> f;
    for (size_t start = 0;;) {
      const size_t comma = line.find(',', start);
      f.push_back(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    const auto ts = try_parse_timestamp_ns(trim(f[0]));
    if (!ts) throw std::runtime_error("test data: " + std::string(f[0]));
    const double vol = slow_number(f[5]);
    bars.push_back(*ts, slow_number(f[1]), slow_number(f[2]), slow_number(f[3]), slow_number(f[4]),
                   vol < 0 ? 0.0 : vol);
  }
  return bars;
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

void check_same(const BarSeries& got, const BarSeries& want) {
  REQUIRE(got.size() == want.size());
  CHECK(got.ts_ns == want.ts_ns);
  size_t bad = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    const double g[] = {got.open[i], got.high[i], got.low[i], got.close[i], got.volume[i]};
    const double w[] = {want.open[i], want.high[i], want.low[i], want.close[i], want.volume[i]};
    for (int k = 0; k < 5; ++k) {
      if (!same_bits(g[k], w[k]) && bad++ < 5)
        FAIL_CHECK("row " << i << " column " << k << ": " << g[k] << " vs " << w[k]);
    }
  }
  CHECK(bad == 0);
}

// A number in one of the shapes data files hold, or an awkward one that must take the general path.
std::string number_text(std::mt19937_64& rng, size_t i) {
  std::uniform_int_distribution<uint64_t> mant(0, 99'999'999'999'999'999ULL);
  const uint64_t m = mant(rng) >> (rng() % 60);
  const int digits = static_cast<int>(rng() % 26);
  std::string s = std::to_string(m);
  if (digits > 0) {
    if (static_cast<int>(s.size()) <= digits) s.insert(0, static_cast<size_t>(digits) + 1 - s.size(), '0');
    s.insert(s.size() - static_cast<size_t>(digits), 1, '.');
  }
  switch (i % 13) {
    case 0:
      return fmt::format("-{}", s);
    case 1:
      return fmt::format("+{}", s);
    case 2:
      return fmt::format(" {} ", s);
    case 3:
      return fmt::format("\"{}\"", s);
    case 4:
      return fmt::format("{}e-3", s);
    case 5:
      return fmt::format("{:.17g}", static_cast<double>(m) * 1e-7);
    case 6:
      return fmt::format("{}.", rng() % 100000);  // "123." : from_chars accepts it
    case 7:
      return "0.1000000000000000055511151231257827";  // more digits than a double holds
    case 8:
      return "9007199254740993";  // 2^53 + 1: beyond the exact range, must round like from_chars
    default:
      return s;
  }
}

// Strictly increasing stamps in every accepted shape.
std::string stamp_text(int64_t ts, size_t i) {
  const std::string iso = format_iso_utc(ts);  // 2020-01-06T00:00:00Z
  switch (i % 7) {
    case 0:
      return iso.substr(0, 19);  // naive
    case 1:
      return iso.substr(0, 10) + " " + iso.substr(11, 8);
    case 2:
      return iso.substr(0, 19) + "+00:00";
    case 3:
      return iso.substr(0, 16);  // no seconds
    case 4:
      return fmt::format(" {} ", iso);
    default:
      return iso;
  }
}

std::string random_file(size_t rows, uint64_t seed, bool awkward) {
  std::mt19937_64 rng(seed);
  std::string text = "timestamp,open,high,low,close,volume\n";
  int64_t ts = *try_parse_timestamp_ns("1999-12-30T22:00:00Z");
  for (size_t i = 0; i < rows; ++i, ts += 3661 * kNanosPerSecond) {
    if (awkward && i % 97 == 5) text += "\n";         // blank line
    if (awkward && i % 89 == 7) text += " \t\"\r\n";  // blank after trimming
    text += awkward ? stamp_text(ts, i) : format_iso_utc(ts);
    for (int k = 0; k < 5; ++k) {
      text += ',';
      text += awkward ? number_text(rng, i + k)
                      : fmt::format("{:.6f}", 1.0 + static_cast<double>(rng() % 100000) / 1e5);
    }
    text += awkward && i % 11 == 3 ? "\r\n" : "\n";
  }
  return text;
}

std::string error_of(const std::string& text, ThreadPool* pool) {
  try {
    (void)parse_ohlcv_csv(text, "big.csv", pool);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("csv parse: fast number and stamp readers give from_chars / try_parse_timestamp_ns bit for bit") {
  const std::string text = random_file(20000, 7, true);
  check_same(parse_ohlcv_csv(text, "awkward.csv"), slow_parse(text));
}

TEST_CASE("csv parse: chunks on a pool give the one-pass bars, any thread count") {
  const std::string plain = random_file(120000, 11, false);  // ~7 MB: several chunks
  const std::string awkward = random_file(60000, 13, true);
  const BarSeries want_plain = slow_parse(plain), want_awkward = slow_parse(awkward);
  for (unsigned threads : {1u, 2u, 3u, 5u}) {
    CAPTURE(threads);
    ThreadPool pool(threads);
    check_same(parse_ohlcv_csv(plain, "plain.csv", &pool), want_plain);
    check_same(parse_ohlcv_csv(awkward, "awkward.csv", &pool), want_awkward);
  }
}

TEST_CASE("csv parse: errors near chunk boundaries name the same file line with and without a pool") {
  const size_t rows = 90000;
  const std::string text = random_file(rows, 17, false);
  std::vector<size_t> line_start{0};
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') line_start.push_back(i + 1);
  ThreadPool pool(3);
  // every row within 4 of a third of the file: the chunk boundaries of 2 and 3 threads lie among them
  std::vector<size_t> at;
  for (size_t third : {rows / 3, rows / 2, 2 * rows / 3})
    for (size_t r = third - 4; r <= third + 4; ++r) at.push_back(r);
  for (size_t r : at) {
    CAPTURE(r);
    const size_t line = r + 2;  // the header is line 1, row 0 is line 2
    const size_t b = line_start[r + 1], e = line_start[r + 2];
    const std::string prev_stamp = text.substr(line_start[r], 20);
    // a duplicate of the previous row's stamp
    std::string dup = text;
    dup.replace(b, 20, prev_stamp);
    const std::string want_dup = fmt::format("big.csv:{}: duplicate timestamp {}", line, prev_stamp);
    CHECK(error_of(dup, nullptr) == want_dup);
    CHECK(error_of(dup, &pool) == want_dup);
    // the row swapped with the next one: the next row is then before it
    std::string swapped = text;
    const std::string row = text.substr(b, e - b), next = text.substr(e, line_start[r + 3] - e);
    swapped.replace(b, row.size() + next.size(), next + row);
    const std::string want_order =
        fmt::format("big.csv:{}: timestamp {} is before the previous row's {}; sort the file", line + 1,
                    row.substr(0, 20), next.substr(0, 20));
    CHECK(error_of(swapped, nullptr) == want_order);
    CHECK(error_of(swapped, &pool) == want_order);
    // an unparsable number, and a later problem that must not win
    std::string bad = text;
    bad[b + 21] = 'x';
    bad[line_start[r + 9] + 21] = 'y';
    const std::string want_bad =
        fmt::format("big.csv:{}: open '{}' is not a number", line, bad.substr(b + 21, 8));
    CHECK(error_of(bad, nullptr) == want_bad);
    CHECK(error_of(bad, &pool) == want_bad);
  }
}
