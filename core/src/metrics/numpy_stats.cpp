#include "metrics/numpy_stats.h"

#include <vector>

namespace ktrdr::metrics::detail {

double np_std(const double* a, size_t n, size_t ddof) {
  const double mean = np_mean(a, n);
  std::vector<double> sq(n);
  for (size_t i = 0; i < n; ++i) {
    const double x = a[i] - mean;
    sq[i] = x * x;
  }
  return std::sqrt(pairwise_sum(sq.data(), n) / static_cast<double>(n - ddof));
}

}  // namespace ktrdr::metrics::detail
