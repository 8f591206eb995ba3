// Private to data/: the OHLCV parser's value readers. Each has a fast path for the shapes data files hold
// ("1.100950", "2020-01-06T00:00:00Z") and falls back to the general reader (std::from_chars,
// try_parse_timestamp_ns) for anything else, so the value is always the one the general reader gives, bit for
// bit.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "ktrdr/common/time.h"

namespace ktrdr::detail {

// Reads a number of the plain shape "[-]digits[.digits]" that starts at p and ends at a field or line end
// (',', '\n', '\r') or at `end`, exactly as std::from_chars reads it (from_chars rounds correctly). On
// success p is left on the character after the number. False when the text has any other shape ('+',
// exponent, spaces, quotes, "1.", ...), p then undefined.
//
// Fast path (Clinger): at most 19 digits whose value m <= 2^53 and at most 22 of them after the point: m and
// 10^k are exact doubles, so the one IEEE division m / 10^k is the correctly rounded value. Other plain
// numbers go to from_chars.
inline bool read_plain_number(const char*& p, const char* end, double& out) {
  const char* const start = p;
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  uint64_t m = 0;
  int digits = 0;
  const char* const int_begin = p;
  while (p != end && static_cast<unsigned char>(*p - '0') < 10) {
    m = m * 10 + static_cast<uint64_t>(*p - '0');
    ++p;
    ++digits;
  }
  if (p == int_begin) return false;
  int frac = 0;
  if (p != end && *p == '.') {
    const char* const frac_begin = ++p;
    while (p != end && static_cast<unsigned char>(*p - '0') < 10) {
      m = m * 10 + static_cast<uint64_t>(*p - '0');
      ++p;
      ++digits;
    }
    frac = static_cast<int>(p - frac_begin);
    if (frac == 0) return false;
  }
  if (p != end && *p != ',' && *p != '\n' && *p != '\r') return false;
  if (digits <= 19 && frac <= 22 && m <= (uint64_t{1} << 53)) {
    static constexpr double kPow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                          1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                          1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const double v = static_cast<double>(m) / kPow10[frac];
    out = negative ? -v : v;
    return true;
  }
  const auto res = std::from_chars(start, p, out);
  return res.ec == std::errc() && res.ptr == p;
}

// A whole (trimmed) field -> double, exactly as std::from_chars after an optional leading '+'.
inline bool parse_decimal(std::string_view s, double& out) {
  const char* p = s.data();
  const char* const end = p + s.size();
  if (p != end && *p == '+') ++p;
  const char* q = p;
  if (read_plain_number(q, end, out) && q == end) return true;
  if (p == end) return false;
  const auto res = std::from_chars(p, end, out);
  return res.ec == std::errc() && res.ptr == end;
}

// Remembers the last date seen so that a file's many rows of one day parse the date once.
class TimestampReader {
 public:
  // try_parse_timestamp_ns(s), bit for bit. Fast path: "YYYY-MM-DD[T ]HH:MM:SS" with an optional 'Z'.
  std::optional<int64_t> read(std::string_view s) {
    if ((s.size() == 19 || (s.size() == 20 && s[19] == 'Z')) && (s[10] == 'T' || s[10] == ' ') &&
        s[13] == ':' && s[16] == ':') {
      int64_t day_seconds;
      if (have_date_ && std::memcmp(s.data(), last_date_, 10) == 0) {
        day_seconds = last_day_seconds_;
      } else {
        const auto day = try_parse_timestamp_ns(s.substr(0, 10));
        if (!day) return std::nullopt;  // not a valid date: the general reader rejects it too
        std::memcpy(last_date_, s.data(), 10);
        have_date_ = true;
        day_seconds = last_day_seconds_ = *day / kNanosPerSecond;
      }
      const int hh = two_digits(s, 11), mm = two_digits(s, 14), ss = two_digits(s, 17);
      if (hh >= 0 && mm >= 0 && ss >= 0 && hh <= 23 && mm <= 59 && ss <= 60)
        return (day_seconds + hh * 3600 + mm * 60 + ss) * kNanosPerSecond;
    }
    return try_parse_timestamp_ns(s);
  }

 private:
  static int two_digits(std::string_view s, size_t pos) {
    const unsigned a = static_cast<unsigned char>(s[pos] - '0'),
                   b = static_cast<unsigned char>(s[pos + 1] - '0');
    return a < 10 && b < 10 ? static_cast<int>(a * 10 + b) : -1;
  }
  char last_date_[10] = {};
  bool have_date_ = false;
  int64_t last_day_seconds_ = 0;
};

}  // namespace ktrdr::detail
