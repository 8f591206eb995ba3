// numpy's float64 reductions, reproduced operation for operation so metrics match the reference bit for bit:
// pairwise summation (numpy/core/src/umath/loops_utils.h.src), mean = sum / n, std =
// sqrt(sum((x-mean)^2)/(n-ddof)).
#pragma once

#include <cmath>
#include <cstddef>

#include "ktrdr/indicators/series_ops.h"

namespace ktrdr::metrics::detail {

// numpy.sum's pairwise summation: one implementation for the project, in the indicators' primitives.
using indicators::pairwise_sum;

inline double np_mean(const double* a, size_t n) {
  return pairwise_sum(a, n) / static_cast<double>(n);
}

// ddof = 0 as np.std's default; n must exceed ddof.
double np_std(const double* a, size_t n, size_t ddof = 0);

}  // namespace ktrdr::metrics::detail
