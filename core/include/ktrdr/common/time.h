// UTC timestamps as int64 nanoseconds since the Unix epoch (`ts_ns`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ktrdr {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kNanosPerHour = 3600 * kNanosPerSecond;
constexpr int64_t kNanosPerDay = 24 * kNanosPerHour;

// Parses "YYYY-MM-DD", "YYYY-MM-DD[T ]HH:MM[:SS[.fff]]" with an optional "Z" or "+HH:MM"/"-HH:MM" offset.
// Naive values are UTC. Returns nullopt on anything else (no partial parses).
std::optional<int64_t> try_parse_timestamp_ns(std::string_view text);
// Same, but throws ktrdr::Error naming `what` (e.g. "--start") and the accepted forms.
int64_t parse_timestamp_ns(std::string_view text, std::string_view what);
// "2020-01-06T00:00:00Z" (fractional seconds only when non-zero).
std::string format_iso_utc(int64_t ts_ns);
// Days from civil date (proleptic Gregorian), and back.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
// Whole days between two timestamps as Python's (end - start).days (floor division).
int64_t whole_days_between(int64_t start_ns, int64_t end_ns);

}  // namespace ktrdr
