// parse_ohlcv_csv: the header names the columns; the rows are parsed in contiguous chunks of lines, one chunk
// per pool thread, and the chunks are joined in file order. Every chunk reports its first problem by its line
// within the chunk; the first problem in file order is thrown with its line in the file, so the error is the
// one a single pass over the file would report.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <optional>
#include <vector>

#include "data/csv_values.h"
#include "ktrdr/common/error.h"
#include "ktrdr/common/huge_pages.h"
#include "ktrdr/common/thread_pool.h"
#include "ktrdr/common/time.h"
#include "ktrdr/data/ohlcv_loader.h"

namespace ktrdr {
namespace {

constexpr std::array<const char*, 5> kNames{"open", "high", "low", "close", "volume"};
// The shortest possible row, "2020-01-01,1,1,1,1,1\n", bounds the row count of a text from above.
constexpr size_t kMinRowBytes = 21;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '"'))
    s.remove_suffix(1);
  return s;
}

bool is_blank(std::string_view line) {
  return line.empty() || trim(line).empty();
}

// Lines of text[pos, end), '\n'-terminated, a trailing '\r' removed; counts them (blank ones included).
class LineReader {
 public:
  LineReader(std::string_view text, size_t begin, size_t end) : text_(text), pos_(begin), end_(end) {}
  bool next(std::string_view& line) {
    if (pos_ >= end_) return false;
    const void* nl = std::memchr(text_.data() + pos_, '\n', end_ - pos_);
    const size_t stop =
        nl != nullptr ? static_cast<size_t>(static_cast<const char*>(nl) - text_.data()) : end_;
    line = text_.substr(pos_, stop - pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos_ = stop + 1;
    ++count_;
    return true;
  }
  // A line was read elsewhere: continue at `next`, the start of the line after it.
  void skip_to(size_t next) {
    pos_ = next;
    ++count_;
  }
  size_t count() const { return count_; }  // lines read so far
  size_t pos() const { return pos_; }

 private:
  std::string_view text_;
  size_t pos_, end_;
  size_t count_ = 0;
};

struct Header {
  std::array<size_t, 5> col{};  // field index of open, high, low, close, volume
  std::vector<int> column_of;   // per field up to need: its column (0..4), or -1 (the stamp, unused fields)
  size_t need = 0;              // fields a row must have
  size_t body = 0;              // offset of the first line after the header
  size_t line = 0;              // the header's line number
};

Header parse_header(std::string_view text, const std::string& origin) {
  LineReader lines(text, 0, text.size());
  std::string_view line;
  bool found = false;
  while (!found && lines.next(line)) found = !is_blank(line);
  KTRDR_REQUIRE(found, "{}: the file is empty; expected a header row timestamp,open,high,low,close,volume",
                origin);
  std::array<int, 5> col{-1, -1, -1, -1, -1};
  size_t i = 0;
  for (size_t start = 0;; ++i) {
    const size_t comma = line.find(',', start);
    if (i > 0) {
      std::string name(trim(line.substr(start, comma == std::string_view::npos ? comma : comma - start)));
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (size_t k = 0; k < kNames.size(); ++k)
        if (name == kNames[k] && col[k] < 0) col[k] = static_cast<int>(i);
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  std::string missing;
  for (size_t k = 0; k < kNames.size(); ++k)
    if (col[k] < 0) missing += (missing.empty() ? "" : ", ") + std::string(kNames[k]);
  KTRDR_REQUIRE(missing.empty(),
                "{}:{}: missing column(s) {}; the header must be timestamp,open,high,low,close,volume "
                "(first column is the timestamp)",
                origin, lines.count(), missing);
  Header h;
  for (size_t k = 0; k < 5; ++k) h.col[k] = static_cast<size_t>(col[k]);
  h.need = *std::max_element(h.col.begin(), h.col.end()) + 1;
  h.column_of.assign(h.need, -1);
  for (size_t k = 0; k < 5; ++k) h.column_of[h.col[k]] = static_cast<int>(k);
  h.body = lines.pos();
  h.line = lines.count();
  return h;
}

// The first thing wrong in a chunk: its line within the chunk (1-based) and the text after "file:line: ".
struct Problem {
  size_t line = 0;
  std::string what;
};

struct Chunk {
  size_t begin = 0, end = 0;  // text offsets; begin is a line start
  BarSeries bars;
  size_t first_row_line = 0;  // line within the chunk of its first row (0: no row)
  std::optional<Problem> problem;
};

std::string order_problem(int64_t ts, int64_t prev) {
  if (ts == prev) return fmt::format("duplicate timestamp {}", format_iso_utc(ts));
  return fmt::format("timestamp {} is before the previous row's {}; sort the file", format_iso_utc(ts),
                     format_iso_utc(prev));
}

constexpr size_t kNoRow = std::string_view::npos;

bool is_digit(char c) {
  return static_cast<unsigned char>(c - '0') < 10;
}

// One row of the common shape read straight from text[pos, end): a stamp field without spaces or quotes, then
// plain numbers ("[-]digits[.digits]"), fields separated by ',' and the line ended by "\n" or "\r\n".
// Returns where the next line starts, or kNoRow when the line has any other shape (blank, quoted, short,
// exponents, an unparsable value ...): parse_line then reads it, and reports its problem if it has one.
size_t fast_row(std::string_view text, size_t pos, size_t end, const Header& h,
                detail::TimestampReader& stamps, int64_t& ts, std::array<double, 5>& v) {
  const char* p = text.data() + pos;
  const char* const e = text.data() + end;
  const char* const stamp = p;
  while (p != e && *p != ',' && *p != '\n') ++p;
  if (p == e || *p != ',' || !is_digit(stamp[0]) || !(is_digit(p[-1]) || p[-1] == 'Z')) return kNoRow;
  const auto t = stamps.read(std::string_view(stamp, static_cast<size_t>(p - stamp)));
  if (!t) return kNoRow;
  ts = *t;
  for (size_t f = 1; f < h.need; ++f) {
    ++p;  // the ',' before field f
    const int k = h.column_of[f];
    if (k >= 0) {
      if (!detail::read_plain_number(p, e, v[static_cast<size_t>(k)])) return kNoRow;
    } else {
      while (p != e && *p != ',' && *p != '\n' && *p != '\r') ++p;
    }
    if (f + 1 < h.need && (p == e || *p != ',')) return kNoRow;
  }
  if (p == e) return end;
  if (*p == '\n') return static_cast<size_t>(p + 1 - text.data());
  if (*p == '\r') {
    if (p + 1 == e) return end;
    return p[1] == '\n' ? static_cast<size_t>(p + 2 - text.data()) : kNoRow;
  }
  const void* nl = std::memchr(p, '\n', static_cast<size_t>(e - p));  // fields after the last one needed
  return nl != nullptr ? static_cast<size_t>(static_cast<const char*>(nl) + 1 - text.data()) : end;
}

// Parses the rows of chunk.begin .. chunk.end into chunk.bars (which may already hold capacity), stopping at
// the first problem.
void parse_rows(std::string_view text, const Header& h, Chunk& chunk) {
  LineReader lines(text, chunk.begin, chunk.end);
  detail::TimestampReader stamps;
  std::vector<std::string_view> fields(h.need);
  std::string_view line;
  BarSeries& bars = chunk.bars;
  auto fail = [&](std::string what) { chunk.problem = Problem{lines.count(), std::move(what)}; };
  int64_t ts = 0;
  std::array<double, 5> v{};
  for (;;) {
    if (const size_t next = fast_row(text, lines.pos(), chunk.end, h, stamps, ts, v); next != kNoRow) {
      lines.skip_to(next);
    } else {
      if (!lines.next(line)) return;
      if (is_blank(line)) continue;
      // The fields up to the last one needed; fields after it are not looked at.
      size_t n = 0;
      for (size_t start = 0; n < h.need; ++n) {
        const size_t comma = line.find(',', start);
        fields[n] =
            line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        if (comma == std::string_view::npos) {
          ++n;
          break;
        }
        start = comma + 1;
      }
      if (n < h.need) return fail(fmt::format("expected {} fields, found {}", h.need, n));
      const std::string_view stamp = trim(fields[0]);
      const auto parsed = stamps.read(stamp);
      if (!parsed)
        return fail(fmt::format("cannot parse timestamp '{}' (use ISO-8601 or YYYY-MM-DD)", stamp));
      ts = *parsed;
      for (size_t k = 0; k < 5; ++k) {
        const std::string_view field = trim(fields[h.col[k]]);
        if (!detail::parse_decimal(field, v[k]))
          return fail(fmt::format("{} '{}' is not a number", kNames[k], field));
      }
    }
    if (bars.empty()) {
      chunk.first_row_line = lines.count();
    } else if (const int64_t prev = bars.ts_ns.back(); ts <= prev) {
      return fail(order_problem(ts, prev));
    }
    bars.push_back(ts, v[0], v[1], v[2], v[3], v[4] < 0 ? 0.0 : v[4]);
  }
}

// Capacity for `rows` rows in every column, asking for huge pages before the memory is touched.
void reserve_columns(BarSeries& bars, size_t rows) {
  bars.reserve(rows);
  for (const void* p :
       {static_cast<const void*>(bars.ts_ns.data()), static_cast<const void*>(bars.open.data()),
        static_cast<const void*>(bars.high.data()), static_cast<const void*>(bars.low.data()),
        static_cast<const void*>(bars.close.data()), static_cast<const void*>(bars.volume.data())})
    advise_huge_pages(p, rows * sizeof(double));
}

// Chunk k starts at the first line start at or after k * size / parts (the body's first line for k = 0).
std::vector<Chunk> make_chunks(std::string_view text, size_t body, size_t parts) {
  std::vector<Chunk> chunks;
  const size_t len = text.size() - body;
  size_t begin = body;
  for (size_t k = 1; k <= parts; ++k) {
    size_t end = k == parts ? text.size() : body + len / parts * k;
    if (end < text.size()) {
      const void* nl = std::memchr(text.data() + end, '\n', text.size() - end);
      end = nl != nullptr ? static_cast<size_t>(static_cast<const char*>(nl) - text.data()) + 1 : text.size();
    }
    if (end <= begin) continue;
    chunks.emplace_back();
    chunks.back().begin = begin;
    chunks.back().end = end;
    begin = end;
  }
  return chunks;
}

size_t count_lines(std::string_view text, size_t begin, size_t end) {
  return static_cast<size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(begin),
                                        text.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
}

template <typename T>
void append(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

BarSeries parse_ohlcv_csv(std::string_view text, const std::string& origin, ThreadPool* pool) {
  const Header h = parse_header(text, origin);
  // Chunks of at least 1 MB: below that a thread costs more than it saves.
  const size_t body_bytes = text.size() - h.body;
  const size_t parts = std::clamp<size_t>(body_bytes >> 20, 1, pool != nullptr ? pool->size() : 1);
  std::vector<Chunk> chunks = make_chunks(text, h.body, parts);
  // Chunk 0 parses straight into the result, with room for every row of the file; the others into room for
  // their own rows (reserved on their threads).
  auto parse = [&](size_t k) {
    Chunk& c = chunks[k];
    reserve_columns(c.bars, (k == 0 ? body_bytes : c.end - c.begin) / kMinRowBytes + 1);
    parse_rows(text, h, c);
  };
  if (pool != nullptr && chunks.size() > 1) {
    pool->parallel_for(chunks.size(), parse);
  } else {
    for (size_t k = 0; k < chunks.size(); ++k) parse(k);
  }

  // Problems in file order; between chunks, the first row of one against the last row before it.
  const BarSeries* before = nullptr;  // the last chunk with rows so far
  for (const Chunk& c : chunks) {
    std::optional<Problem> problem = c.problem;
    if (before != nullptr && c.first_row_line != 0 && c.bars.ts_ns.front() <= before->ts_ns.back() &&
        (!problem || c.first_row_line < problem->line))
      problem = Problem{c.first_row_line, order_problem(c.bars.ts_ns.front(), before->ts_ns.back())};
    KTRDR_REQUIRE(!problem, "{}:{}: {}", origin, h.line + count_lines(text, h.body, c.begin) + problem->line,
                  problem->what);
    if (!c.bars.empty()) before = &c.bars;
  }
  BarSeries bars = chunks.empty() ? BarSeries{} : std::move(chunks[0].bars);
  for (size_t k = 1; k < chunks.size(); ++k) {
    const BarSeries& b = chunks[k].bars;
    append(bars.ts_ns, b.ts_ns);
    append(bars.open, b.open);
    append(bars.high, b.high);
    append(bars.low, b.low);
    append(bars.close, b.close);
    append(bars.volume, b.volume);
  }
  KTRDR_REQUIRE(!bars.empty(), "{}: no data rows after the header", origin);
  return bars;
}

BarSeries parse_ohlcv_csv(std::string_view text, const std::string& origin) {
  return parse_ohlcv_csv(text, origin, nullptr);
}

}  // namespace ktrdr
