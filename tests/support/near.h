// The one tolerant floating-point comparison of the tests. It returns a Closeness, not a bool, so that a
// failing CHECK prints both values in full and the difference, e.g.
//   CHECK( 74988.125912800001 vs expected 74988.1259128 (diff 1.4e-06, allowed 1e-07) ) is NOT correct!
// Use it inside CHECK directly:  CHECK(test::near(got, want, 1e-9));  CHECK(test::near_abs(cash,
// 74988.1259128, 1e-7));
#pragma once

#include <algorithm>
#include <cmath>
#include <ostream>

#include <fmt/format.h>

namespace ktrdr::test {

struct Closeness {
  double got = 0.0;
  double want = 0.0;
  double allowed = 0.0;  // the tolerance at these values
  bool close = false;
  explicit operator bool() const { return close; }
};

inline std::ostream& operator<<(std::ostream& os, const Closeness& c) {
  return os << fmt::format("{:.17g} vs expected {:.17g} (diff {:.3g}, allowed {:.3g})", c.got, c.want,
                           c.got - c.want, c.allowed);
}

// Close when both are NaN, when equal (infinities included), or when
// |got - want| <= abs + rel * max(|got|, |want|).
inline Closeness near(double got, double want, double rel, double abs = 0.0) {
  const double allowed = abs + rel * std::max(std::fabs(got), std::fabs(want));
  const bool close = (std::isnan(got) && std::isnan(want)) || got == want || std::fabs(got - want) <= allowed;
  return {got, want, allowed, close};
}

// |got - want| <= abs (money "to the cent" with room for the last bits of double arithmetic, ...).
inline Closeness near_abs(double got, double want, double abs) {
  return near(got, want, 0.0, abs);
}

}  // namespace ktrdr::test
