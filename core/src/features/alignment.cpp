#include "ktrdr/features/alignment.h"

#include <cmath>

#include "ktrdr/common/error.h"
#include "ktrdr/indicators/series_ops.h"

namespace ktrdr::features {

std::vector<int64_t> alignment_index(const std::vector<int64_t>& base_ts, int64_t base_duration_ns,
                                     const std::vector<int64_t>& other_ts, int64_t other_duration_ns,
                                     Mode mode) {
  std::vector<int64_t> index(base_ts.size(), -1);
  // kKtrdr compares open stamps; kCorrected compares close stamps.
  const int64_t base_shift = mode == Mode::kCorrected ? base_duration_ns : 0;
  const int64_t other_shift = mode == Mode::kCorrected ? other_duration_ns : 0;
  size_t j = 0;  // number of other bars visible so far
  for (size_t i = 0; i < base_ts.size(); ++i) {
    const int64_t limit = base_ts[i] + base_shift;
    while (j < other_ts.size() && other_ts[j] + other_shift <= limit) ++j;
    index[i] = static_cast<int64_t>(j) - 1;
  }
  return index;
}

void fill_backward_forward_zero(std::vector<double>& values) {
  const size_t n = values.size();
  double next = NAN;
  for (size_t k = n; k-- > 0;) {  // back-fill
    if (std::isnan(values[k])) {
      values[k] = next;
    } else {
      next = values[k];
    }
  }
  double prev = NAN;
  for (size_t k = 0; k < n; ++k) {  // forward-fill (only a trailing NaN run is left after bfill)
    if (std::isnan(values[k])) {
      values[k] = prev;
    } else {
      prev = values[k];
    }
  }
  for (double& v : values) {
    if (std::isnan(v)) v = 0.0;
  }
}

std::vector<double> align_column(const std::vector<double>& values, const std::vector<int64_t>& index,
                                 Mode mode) {
  std::vector<double> out = indicators::new_column(index.size());
  bool any_nan = false;
  for (size_t i = 0; i < index.size(); ++i) {
    out[i] = index[i] < 0 ? NAN : values[static_cast<size_t>(index[i])];
    any_nan = any_nan || std::isnan(out[i]);
  }
  if (mode == Mode::kKtrdr && any_nan) fill_backward_forward_zero(out);
  return out;
}

bool normalize_column(std::vector<double>& values, const config::NormalizationParams& params) {
  if (params.method == "minmax") {
    const double range = params.max - params.min;
    if (range == 0.0) {
      values.assign(values.size(), 0.0);
    } else {
      for (double& v : values) v = (v - params.min) / range;
    }
    return true;
  }
  if (params.method == "zscore") {
    if (params.std == 0.0) {
      values.assign(values.size(), 0.0);
    } else {
      for (double& v : values) v = (v - params.mean) / params.std;
    }
    return true;
  }
  return params.method == "none";
}

}  // namespace ktrdr::features
