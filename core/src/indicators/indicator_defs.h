// Private: the indicator registry's data model (parameter schemas, compute functions) shared by
// registry.cpp and the per-family compute files.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ktrdr/data/bar_series.h"
#include "ktrdr/indicators/indicator.h"
#include "ktrdr/indicators/series_ops.h"

namespace ktrdr::indicators::detail {

struct ParamDef {
  std::string name;
  ParamValue::Kind kind = ParamValue::Kind::kInt;
  ParamValue def;
  bool has_bounds = false;
  double lo = 0, hi = 0;
  bool lo_open = false;  // lo < value instead of lo <= value
  bool hi_open = false;
  std::vector<std::string> choices;  // string parameters: allowed values (case-insensitive)
};

// Resolved parameter values (defaults filled in), looked up by name.
class Params {
 public:
  Params(const std::vector<ParamDef>* defs, std::vector<ParamValue> values)
      : defs_(defs), values_(std::move(values)) {}
  int i(const std::string& name) const;
  double f(const std::string& name) const;
  bool b(const std::string& name) const;
  const std::string& s(const std::string& name) const;

 private:
  const ParamValue& get(const std::string& name) const;
  const std::vector<ParamDef>* defs_;
  std::vector<ParamValue> values_;
};

struct ComputeContext {
  const BarSeries& bars;
  const Params& p;
  bool ktrdr_compat;
  // The column named by the `source` parameter.
  std::span<const double> source() const;
};

using ComputeFn = std::vector<Column> (*)(const ComputeContext&);
using MinRowsFn = size_t (*)(const Params&);

struct IndicatorDef {
  std::string canonical;             // "rsi"
  std::vector<std::string> aliases;  // lower-case, incl. the class name ("rsiindicator")
  std::vector<ParamDef> params;      // declaration order
  std::vector<std::string> outputs;  // empty for single-output
  MinRowsFn min_rows;
  ComputeFn compute;
};

const std::vector<IndicatorDef>& registry();

// Moves output columns into the result vector. (`return {a, b};` would copy every column: an
// initializer_list's elements are const.)
template <typename... C>
std::vector<Column> take(C&&... cols) {
  std::vector<Column> out;
  out.reserve(sizeof...(C));
  (out.push_back(std::move(cols)), ...);
  return out;
}

// Compute functions, one per canonical type (grouped by family in momentum.cpp, trend.cpp,
// volatility.cpp, volume.cpp).
std::vector<Column> compute_rsi(const ComputeContext& c);
std::vector<Column> compute_sma(const ComputeContext& c);
std::vector<Column> compute_ema(const ComputeContext& c);
std::vector<Column> compute_wma(const ComputeContext& c);
std::vector<Column> compute_macd(const ComputeContext& c);
std::vector<Column> compute_atr(const ComputeContext& c);
std::vector<Column> compute_adx(const ComputeContext& c);
std::vector<Column> compute_stochastic(const ComputeContext& c);
std::vector<Column> compute_bollingerbands(const ComputeContext& c);
std::vector<Column> compute_bollingerbandwidth(const ComputeContext& c);
std::vector<Column> compute_cci(const ComputeContext& c);
std::vector<Column> compute_williamsr(const ComputeContext& c);
std::vector<Column> compute_momentum(const ComputeContext& c);
std::vector<Column> compute_roc(const ComputeContext& c);
std::vector<Column> compute_rvi(const ComputeContext& c);
std::vector<Column> compute_aroon(const ComputeContext& c);
std::vector<Column> compute_keltnerchannels(const ComputeContext& c);
std::vector<Column> compute_donchianchannels(const ComputeContext& c);
std::vector<Column> compute_supertrend(const ComputeContext& c);
std::vector<Column> compute_parabolicsar(const ComputeContext& c);
std::vector<Column> compute_ichimoku(const ComputeContext& c);
std::vector<Column> compute_obv(const ComputeContext& c);
std::vector<Column> compute_vwap(const ComputeContext& c);
std::vector<Column> compute_mfi(const ComputeContext& c);
std::vector<Column> compute_cmf(const ComputeContext& c);
std::vector<Column> compute_adline(const ComputeContext& c);
std::vector<Column> compute_volumeratio(const ComputeContext& c);
std::vector<Column> compute_distancefromma(const ComputeContext& c);
std::vector<Column> compute_squeezeintensity(const ComputeContext& c);
std::vector<Column> compute_fishertransform(const ComputeContext& c);
std::vector<Column> compute_zigzag(const ComputeContext& c);

// Shared building blocks.
Column bollinger_upper_lower(std::span<const double> x, int period, double mult, Column* middle,
                             Column* lower);  // returns upper
Column keltner_upper_lower(const BarSeries& bars, int period, int atr_period, double mult, Column* middle,
                           Column* lower);  // returns upper

}  // namespace ktrdr::indicators::detail
