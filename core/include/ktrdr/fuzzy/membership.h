// Fuzzy membership functions of reference §4 (scalar-path semantics; NaN in -> NaN out).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ktrdr::fuzzy {

enum class MembershipType { kTriangular, kTrapezoidal, kGaussian };

// Parses "triangular"/"triangularmf"/... case-insensitively; throws ktrdr::Error listing the valid names.
MembershipType parse_membership_type(const std::string& name);
const char* membership_type_name(MembershipType type);

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

// One fuzzy set of a strategy: an indicator reference (`id` or `id.output`) and its memberships in YAML order.
struct FuzzySet {
  std::string id;
  std::string indicator;  // as written, e.g. "adx_14.adx"
  std::vector<Membership> memberships;
};

}  // namespace ktrdr::fuzzy
