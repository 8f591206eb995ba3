// Fuzzy membership functions, docs/reference.md §4 scalar path (every edge case listed there).
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "ktrdr/common/error.h"
#include "ktrdr/fuzzy/membership.h"

using namespace ktrdr;
using namespace ktrdr::fuzzy;

namespace {
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kEps = std::numeric_limits<double>::epsilon();
MembershipFunction tri(double a, double b, double c) {
  return {MembershipType::kTriangular, {a, b, c}};
}
MembershipFunction trap(double a, double b, double c, double d) {
  return {MembershipType::kTrapezoidal, {a, b, c, d}};
}
}  // namespace

TEST_CASE("membership types: names and aliases, case-insensitive") {
  CHECK(parse_membership_type("triangular") == MembershipType::kTriangular);
  CHECK(parse_membership_type("TriangularMF") == MembershipType::kTriangular);
  CHECK(parse_membership_type("trapezoidalmf") == MembershipType::kTrapezoidal);
  CHECK(parse_membership_type("Gaussian") == MembershipType::kGaussian);
  CHECK(to_string(MembershipType::kGaussian) == "gaussian");
  CHECK(to_string(MembershipType::kTrapezoidal) == "trapezoidal");
  CHECK_FALSE(parse_membership_type("sigmoid").has_value());
}

TEST_CASE("triangular: x == b first, no shoulders, eps guard") {
  const auto f = tri(60, 75, 100);
  CHECK(f.evaluate(75) == 1.0);
  CHECK(f.evaluate(60) == 0.0);
  CHECK(f.evaluate(100) == 0.0);  // no shoulder at c
  CHECK(f.evaluate(120) == 0.0);
  CHECK(f.evaluate(50) == 0.0);
  CHECK(f.evaluate(65) == (65.0 - 60) / 15.0);
  CHECK(f.evaluate(90) == (100.0 - 90) / 25.0);
  CHECK(std::isnan(f.evaluate(kNaN)));
  // degenerate a == b == c: peaks exactly at b
  const auto g = tri(5, 5, 5);
  CHECK(g.evaluate(5) == 1.0);
  CHECK(g.evaluate(5.0000001) == 0.0);
  // b == c (left ramp only): x == b is 1 on the scalar path
  const auto h = tri(0, 10, 10);
  CHECK(h.evaluate(10) == 1.0);
  CHECK(h.evaluate(5) == 0.5);
  CHECK(h.evaluate(10.5) == 0.0);
  // a == b: x == a == b is 1 (x == b checked before x <= a)
  const auto k = tri(0, 0, 10);
  CHECK(k.evaluate(0) == 1.0);
  CHECK(k.evaluate(2.5) == 0.75);
  // tiny spans divide by max(span, eps)
  const auto t = tri(0, 1e-17, 1);
  CHECK(t.evaluate(5e-18) == 5e-18 / kEps);
}

TEST_CASE("trapezoidal: x <= a || x >= d first, flat top inclusive") {
  const auto f = trap(0, 10, 20, 30);
  CHECK(f.evaluate(0) == 0.0);
  CHECK(f.evaluate(30) == 0.0);
  CHECK(f.evaluate(-5) == 0.0);
  CHECK(f.evaluate(5) == 0.5);
  CHECK(f.evaluate(10) == 1.0);
  CHECK(f.evaluate(15) == 1.0);
  CHECK(f.evaluate(20) == 1.0);
  CHECK(f.evaluate(25) == 0.5);
  CHECK(std::isnan(f.evaluate(kNaN)));
  // a == b: x == a gives 0 (checked first); c == d: x == d gives 0
  const auto g = trap(0, 0, 10, 10);
  CHECK(g.evaluate(0) == 0.0);
  CHECK(g.evaluate(10) == 0.0);
  CHECK(g.evaluate(1e-9) == 1.0);
  CHECK(g.evaluate(5) == 1.0);
}

TEST_CASE("gaussian: z = (x - mu) / sigma - exp(-0.5 * z * z)") {
  const MembershipFunction f(MembershipType::kGaussian, {50, 10});
  CHECK(f.evaluate(50) == 1.0);
  const double z = (63.7 - 50) / 10.0;
  CHECK(f.evaluate(63.7) == std::exp(-0.5 * z * z));
  CHECK(f.evaluate(40) == std::exp(-0.5 * -1.0 * -1.0));
  CHECK(std::isnan(f.evaluate(kNaN)));
  CHECK(f.evaluate(1e6) == 0.0);
}

TEST_CASE("vector evaluation equals the scalar path") {
  const auto f = tri(0, 0.5, 1);
  const double x[] = {0.5, kNaN, 0.25, 2};
  double y[4];
  f.evaluate(x, 4, y);
  CHECK(y[0] == 1.0);
  CHECK(std::isnan(y[1]));
  CHECK(y[2] == 0.5);
  CHECK(y[3] == 0.0);
}

TEST_CASE("vector evaluation equals the scalar path bit for bit: random values, edges, NaN, infinities") {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-20.0, 120.0);
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<MembershipFunction> functions{
      MembershipFunction(MembershipType::kTriangular, {0, 25, 40}),
      MembershipFunction(MembershipType::kTriangular, {30, 30, 70}),   // no rising edge
      MembershipFunction(MembershipType::kTriangular, {60, 100, 100}),  // no falling edge
      MembershipFunction(MembershipType::kTriangular, {5, 5, 5}),
      MembershipFunction(MembershipType::kTrapezoidal, {20, 25, 40, 50}),
      MembershipFunction(MembershipType::kTrapezoidal, {-100, -100, -90, -70}),
      MembershipFunction(MembershipType::kTrapezoidal, {10, 20, 20, 30}),
      MembershipFunction(MembershipType::kGaussian, {60, 15}),
  };
  std::vector<double> x(20000);
  for (double& v : x) v = u(rng);
  // the parameters themselves, their neighbours, and specials
  for (double p : {-100.0, -90.0, -70.0, 0.0, 5.0, 10.0, 20.0, 25.0, 30.0, 40.0, 50.0, 60.0, 70.0, 100.0})
    for (double v : {p, std::nextafter(p, -inf), std::nextafter(p, inf)}) x.push_back(v);
  for (double v : {kNaN, -kNaN, inf, -inf, 0.0, -0.0}) x.push_back(v);
  std::vector<double> y(x.size());
  for (size_t f = 0; f < functions.size(); ++f) {
    CAPTURE(f);
    functions[f].evaluate(x.data(), x.size(), y.data());
    size_t differ = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      const double want = functions[f].evaluate(x[i]);
      if (std::memcmp(&want, &y[i], sizeof want) != 0 && differ++ < 3)
        FAIL_CHECK("x = " << x[i] << ": vector " << y[i] << ", scalar " << want);
    }
    CHECK(differ == 0);
  }
}

TEST_CASE("validation: parameter counts and ordering, messages carry the context") {
  CHECK_THROWS_WITH_AS(
      MembershipFunction(MembershipType::kTriangular, {1, 2}, "fuzzy set rsi_zone, membership low"),
      "fuzzy set rsi_zone, membership low: triangular membership needs exactly 3 parameters "
      "[a, b, c] (got 2: [1, 2])",
      ktrdr::Error);
  CHECK_THROWS_WITH_AS(MembershipFunction(MembershipType::kTriangular, {3, 2, 4}, "set s, membership m"),
                       "set s, membership m: triangular membership needs a <= b <= c (got [3, 2, 4])",
                       ktrdr::Error);
  CHECK_THROWS_WITH_AS(MembershipFunction(MembershipType::kTrapezoidal, {0, 1, 2}),
                       doctest::Contains("exactly 4 parameters"), ktrdr::Error);
  CHECK_THROWS_WITH_AS(MembershipFunction(MembershipType::kTrapezoidal, {0, 2, 1, 3}),
                       doctest::Contains("a <= b <= c <= d"), ktrdr::Error);
  CHECK_THROWS_WITH_AS(MembershipFunction(MembershipType::kGaussian, {0, 0}, "ctx"),
                       "ctx: gaussian membership needs sigma > 0 (got sigma = 0)", ktrdr::Error);
  CHECK_THROWS_WITH_AS(MembershipFunction(MembershipType::kGaussian, {0, 1, 2}),
                       doctest::Contains("exactly 2 parameters"), ktrdr::Error);
  CHECK_NOTHROW(MembershipFunction(MembershipType::kTriangular, {1, 1, 1}));
}
