// Membership functions, docs/reference.md §4 scalar path.
#include "ktrdr/fuzzy/membership.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "ktrdr/common/error.h"

namespace ktrdr::fuzzy {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string where(const std::string& context) {
  return context.empty() ? std::string() : context + ": ";
}

std::string list(const std::vector<double>& p) {
  std::string s = "[";
  for (size_t i = 0; i < p.size(); ++i) s += fmt::format("{}{}", i ? ", " : "", p[i]);
  return s + "]";
}

}  // namespace

std::optional<MembershipType> parse_membership_type(std::string_view name) {
  const std::string n = lower(std::string(name));
  if (n == "triangular" || n == "triangularmf") return MembershipType::kTriangular;
  if (n == "trapezoidal" || n == "trapezoidalmf") return MembershipType::kTrapezoidal;
  if (n == "gaussian" || n == "gaussianmf") return MembershipType::kGaussian;
  return std::nullopt;
}

std::string_view to_string(MembershipType type) {
  switch (type) {
    case MembershipType::kTriangular:
      return "triangular";
    case MembershipType::kTrapezoidal:
      return "trapezoidal";
    case MembershipType::kGaussian:
      return "gaussian";
  }
  return "?";
}

MembershipFunction::MembershipFunction(MembershipType type, std::vector<double> params,
                                       const std::string& context)
    : type_(type), params_(std::move(params)) {
  const auto& p = params_;
  const std::string at = where(context);
  for (double v : p) {
    KTRDR_REQUIRE(!std::isnan(v), "{}{} parameters must be numbers (got {})", at, to_string(type), list(p));
  }
  switch (type) {
    case MembershipType::kTriangular:
      KTRDR_REQUIRE(p.size() == 3,
                    "{}triangular membership needs exactly 3 parameters [a, b, c] (got {}: {})", at, p.size(),
                    list(p));
      KTRDR_REQUIRE(p[0] <= p[1] && p[1] <= p[2], "{}triangular membership needs a <= b <= c (got {})", at,
                    list(p));
      break;
    case MembershipType::kTrapezoidal:
      KTRDR_REQUIRE(p.size() == 4,
                    "{}trapezoidal membership needs exactly 4 parameters [a, b, c, d] (got {}: {})", at,
                    p.size(), list(p));
      KTRDR_REQUIRE(p[0] <= p[1] && p[1] <= p[2] && p[2] <= p[3],
                    "{}trapezoidal membership needs a <= b <= c <= d (got {})", at, list(p));
      break;
    case MembershipType::kGaussian:
      KTRDR_REQUIRE(p.size() == 2,
                    "{}gaussian membership needs exactly 2 parameters [mu, sigma] (got {}: {})", at, p.size(),
                    list(p));
      KTRDR_REQUIRE(p[1] > 0, "{}gaussian membership needs sigma > 0 (got sigma = {})", at, p[1]);
      break;
  }
}

double MembershipFunction::evaluate(double x) const {
  if (std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
  const auto& p = params_;
  switch (type_) {
    case MembershipType::kTriangular: {
      const double a = p[0], b = p[1], c = p[2];
      if (x == b) return 1.0;
      if (x <= a || x >= c) return 0.0;
      if (x < b) return (x - a) / std::max(b - a, kEps);
      return (c - x) / std::max(c - b, kEps);
    }
    case MembershipType::kTrapezoidal: {
      const double a = p[0], b = p[1], c = p[2], d = p[3];
      if (x <= a || x >= d) return 0.0;
      if (x < b) return (x - a) / std::max(b - a, kEps);
      if (x <= c) return 1.0;
      return (d - x) / std::max(d - c, kEps);
    }
    case MembershipType::kGaussian: {
      const double z = (x - p[0]) / p[1];
      return std::exp(-0.5 * z * z);
    }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

// One loop per type with the parameters and denominators hoisted: the same operations, in the same order,
// as the scalar evaluate() above (bit-identical results).
void MembershipFunction::evaluate(const double* x, size_t n, double* out) const {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const auto& p = params_;
  switch (type_) {
    case MembershipType::kTriangular: {
      const double a = p[0], b = p[1], c = p[2];
      const double left = std::max(b - a, kEps), right = std::max(c - b, kEps);
      // Both slopes for every value, then the scalar path's choice by selects (later selects win, as earlier
      // branches do there): no unpredictable branch, and the loop vectorises. Same operations per value.
      for (size_t i = 0; i < n; ++i) {
        const double v = x[i];
        const double rising = (v - a) / left, falling = (c - v) / right;
        double r = v < b ? rising : falling;
        r = ((v <= a) | (v >= c)) ? 0.0 : r;
        r = v == b ? 1.0 : r;
        out[i] = v != v ? kNaN : r;
      }
      return;
    }
    case MembershipType::kTrapezoidal: {
      const double a = p[0], b = p[1], c = p[2], d = p[3];
      const double left = std::max(b - a, kEps), right = std::max(d - c, kEps);
      for (size_t i = 0; i < n; ++i) {  // selects, as for the triangle
        const double v = x[i];
        const double rising = (v - a) / left, falling = (d - v) / right;
        double r = v <= c ? 1.0 : falling;
        r = v < b ? rising : r;
        r = ((v <= a) | (v >= d)) ? 0.0 : r;
        out[i] = v != v ? kNaN : r;
      }
      return;
    }
    case MembershipType::kGaussian: {
      const double mu = p[0], sigma = p[1];
      for (size_t i = 0; i < n; ++i) {
        const double v = x[i];
        if (std::isnan(v)) {
          out[i] = kNaN;
        } else {
          const double z = (v - mu) / sigma;
          out[i] = std::exp(-0.5 * z * z);
        }
      }
      return;
    }
  }
  for (size_t i = 0; i < n; ++i) out[i] = evaluate(x[i]);
}

}  // namespace ktrdr::fuzzy
