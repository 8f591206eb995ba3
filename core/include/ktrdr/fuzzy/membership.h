// Fuzzy membership functions of docs/reference.md §4 (scalar-path semantics; NaN in -> NaN out).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ktrdr::fuzzy {

enum class MembershipType { kTriangular, kTrapezoidal, kGaussian };

// "triangular"/"triangularmf"/... case-insensitively (the reference's names and aliases); nullopt otherwise.
std::optional<MembershipType> parse_membership_type(std::string_view name);
std::string_view to_string(MembershipType type);  // "triangular" | "trapezoidal" | "gaussian"

class MembershipFunction {
 public:
  // Validates parameter count and ordering (a<=b<=c, a<=b<=c<=d, sigma>0); throws ktrdr::Error whose text
  // names `context` (e.g. "fuzzy set rsi_zone, membership oversold").
  MembershipFunction(MembershipType type, std::vector<double> params, const std::string& context = {});

  MembershipType type() const { return type_; }
  const std::vector<double>& params() const { return params_; }
  double evaluate(double x) const;
  void evaluate(const double* x, size_t n, double* out) const;

 private:
  MembershipType type_;
  std::vector<double> params_;
};

struct Membership {
  std::string name;
  MembershipFunction function;
};

// One fuzzy set of a strategy: an indicator reference (`id` or `id.output`) and its memberships in YAML
// order.
struct FuzzySet {
  std::string id;
  std::string indicator;  // as written, e.g. "adx_14.adx"
  std::vector<Membership> memberships;
};

}  // namespace ktrdr::fuzzy
