// Technical indicators of docs/reference.md §3: one entry point, computed over a whole BarSeries (O(n)).
//
// Contract:
//  * `type` is matched case-insensitively against the registry names of docs/reference.md §1.3 (canonical
//  names and aliases).
//  * Parameters are validated against each indicator's parameter list (names, defaults, bounds, strict
//    int/float/bool types) when `validate_indicator` / `compute_indicator` runs; violations throw
//    ktrdr::Error naming indicator id, parameter, value and allowed range. Unknown parameters are reported in
//    `warnings` (or throw when `strict`).
//  * Every output column has exactly bars.size() values; warm-up is NaN as in the reference.
//  * Multi-output indicators list their outputs in the reference engine order; outputs[0] is the primary
//    (the alias column `{tf}_{id}` equals it).
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "ktrdr/data/bar_series.h"

namespace ktrdr::indicators {

// A strategy parameter value as written in YAML/JSON; the kind is kept because the reference rejects
// e.g. `period: 14.0` for strict-int parameters.
struct ParamValue {
  enum class Kind { kInt, kFloat, kBool, kString };
  Kind kind = Kind::kInt;
  double number = 0.0;  // kInt and kFloat
  bool boolean = false;
  std::string text;

  static ParamValue of_int(long long v) { return {Kind::kInt, static_cast<double>(v), false, {}}; }
  static ParamValue of_float(double v) { return {Kind::kFloat, v, false, {}}; }
  static ParamValue of_bool(bool v) { return {Kind::kBool, 0.0, v, {}}; }
  static ParamValue of_string(std::string v) { return {Kind::kString, 0.0, false, std::move(v)}; }
};

struct IndicatorSpec {
  std::string id;                                          // strategy key, e.g. "rsi_14"
  std::string type;                                        // e.g. "rsi", "RSIIndicator", "bbands"
  std::vector<std::pair<std::string, ParamValue>> params;  // YAML order, `type` excluded
};

struct IndicatorOutput {
  std::string name;  // "" for a single-output indicator, else e.g. "adx", "plus_di"
  std::vector<double> values;
};

struct IndicatorResult {
  bool multi_output = false;
  std::vector<IndicatorOutput> outputs;  // outputs[0] is the primary
};

// Canonical registry name for a type string ("RSIIndicator" -> "rsi", "bbands" -> "bollingerbands"),
// or "" when unknown.
std::string canonical_type(const std::string& type);
// Output names of a canonical type in engine order (empty for single-output types).
std::vector<std::string> output_names(const std::string& canonical);
// All canonical names, for error messages.
std::vector<std::string> known_types();
// Checks type and parameters; appends unknown-parameter warnings; throws ktrdr::Error on violations.
void validate_indicator(const IndicatorSpec& spec, std::vector<std::string>* warnings = nullptr,
                        bool strict = false);
// Computes the indicator (validates first). Throws ktrdr::Error on too few bars (names the minimum).
IndicatorResult compute_indicator(const IndicatorSpec& spec, const BarSeries& bars,
                                  std::vector<std::string>* warnings = nullptr, bool strict = false);

// Options beyond the reference contract.
//  * strict: unknown parameters throw instead of producing a warning (same as the `strict` argument).
//  * ktrdr_compat: reproduce reference output that docs/decisions.md calls plainly broken. Today that is only
//    supertrend, whose reference output is `trend` all NaN and `direction` all +1. Off (the default), the
//    supertrend bands start at the first valid ATR and the warm-up is NaN in both outputs.
struct ComputeOptions {
  bool strict = false;
  bool ktrdr_compat = false;
};
IndicatorResult compute_indicator(const IndicatorSpec& spec, const BarSeries& bars,
                                  const ComputeOptions& options,
                                  std::vector<std::string>* warnings = nullptr);
// Minimum number of bars the indicator needs with the spec's parameters (reference "min rows"; validates).
size_t min_rows(const IndicatorSpec& spec);

}  // namespace ktrdr::indicators
