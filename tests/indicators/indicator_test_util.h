// Helpers for the indicator unit tests: small hand-built bar series and one-call computation.
#pragma once

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "ktrdr/data/bar_series.h"
#include "ktrdr/indicators/indicator.h"

namespace ktrdr::indicators::test {

inline const double kNaN = std::nan("");

inline BarSeries make_bars(const std::vector<double>& o, const std::vector<double>& h,
                           const std::vector<double>& l, const std::vector<double>& c,
                           std::vector<double> v = {}) {
  BarSeries b;
  if (v.empty()) v.assign(c.size(), 1.0);
  for (size_t i = 0; i < c.size(); ++i) {
    b.push_back(static_cast<int64_t>(i) * 3'600'000'000'000LL, o[i], h[i], l[i], c[i], v[i]);
  }
  return b;
}

// Bars whose open/high/low/close all equal `c`.
inline BarSeries flat_bars(const std::vector<double>& c, std::vector<double> v = {}) {
  return make_bars(c, c, c, c, std::move(v));
}

using Params = std::vector<std::pair<std::string, ParamValue>>;

inline IndicatorResult run(const std::string& type, const Params& params, const BarSeries& bars,
                           bool ktrdr_compat = false) {
  ComputeOptions options;
  options.strict = true;
  options.ktrdr_compat = ktrdr_compat;
  return compute_indicator(IndicatorSpec{type + "_t", type, params}, bars, options);
}

inline std::vector<double> out(const std::string& type, const Params& params, const BarSeries& bars,
                               size_t output = 0) {
  return run(type, params, bars).outputs.at(output).values;
}

inline ParamValue I(long long v) {
  return ParamValue::of_int(v);
}
inline ParamValue F(double v) {
  return ParamValue::of_float(v);
}
inline ParamValue B(bool v) {
  return ParamValue::of_bool(v);
}
inline ParamValue S(std::string v) {
  return ParamValue::of_string(std::move(v));
}

// Element-wise exact comparison (bit-for-bit up to the sign of zero); NaN matches NaN.
inline void check_series(const std::vector<double>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    if (std::isnan(want[i])) {
      CHECK(std::isnan(got[i]));
    } else {
      CHECK(got[i] == want[i]);
    }
  }
}

}  // namespace ktrdr::indicators::test
