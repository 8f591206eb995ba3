// numpy's float64 reductions, reproduced operation for operation so metrics match the reference bit for bit:
// pairwise summation (numpy/core/src/umath/loops_utils.h.src), mean = sum / n, std =
// sqrt(sum((x-mean)^2)/(n-ddof)).
#pragma once

#include <cmath>
#include <cstddef>

namespace ktrdr::metrics::detail {

inline double pairwise_sum(const double* a, size_t n) {
  if (n < 8) {
    double res = 0.0;
    for (size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (size_t j = 0; j < 8; ++j) r[j] = a[j];
    size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (size_t j = 0; j < 8; ++j) r[j] += a[i + j];
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

inline double np_mean(const double* a, size_t n) {
  return pairwise_sum(a, n) / static_cast<double>(n);
}

// ddof = 0 as np.std's default; n must exceed ddof.
double np_std(const double* a, size_t n, size_t ddof = 0);

}  // namespace ktrdr::metrics::detail
