// Column primitives that reproduce pandas 1.5 / numpy 1.24 bit for bit (docs/reference.md §3 floating-point
// notes).
//
//  * rolling_* use fixed windows ending at t (`Series.rolling(window, min_periods)`): NaN is skipped and
//    `min_periods` counts non-NaN values. rolling_mean/rolling_sum/rolling_var port pandas' Kahan running
//    sums, including the "run of identical values" rule that makes constant windows exact.
//  * ewm_mean ports pandas' `ewm(com=..., adjust=..., ignore_na=False).mean()` loop, including the
//    "value equals the running mean" shortcut that keeps constant series exact.
//  * pairwise_sum is numpy's `np.sum` (8-way unrolled pairwise summation).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "ktrdr/common/huge_pages.h"

namespace ktrdr::indicators {

using Column = std::vector<double>;

// A column of n copies of `fill`. Large columns ask the kernel for transparent huge pages before they are
// first touched: a fresh 8 MB column then costs 4 page faults instead of 2048 (expensive on a VM). Values are
// unaffected.
Column new_column(size_t n, double fill = 0.0);
using ktrdr::advise_huge_pages;  // common/huge_pages.h

Column rolling_mean(std::span<const double> x, size_t window, size_t min_periods);
Column rolling_sum(std::span<const double> x, size_t window, size_t min_periods);
// Sample variance with `ddof` (pandas default 1); exactly 0 over a constant window.
Column rolling_var(std::span<const double> x, size_t window, size_t min_periods, int ddof = 1);
// sqrt(rolling_var), negative variances clipped to 0 (pandas zsqrt).
Column rolling_std(std::span<const double> x, size_t window, size_t min_periods, int ddof = 1);
Column rolling_max(std::span<const double> x, size_t window, size_t min_periods);
Column rolling_min(std::span<const double> x, size_t window, size_t min_periods);

// pandas center of mass for `span=` and `alpha=` arguments (kept as pandas computes them).
double com_from_span(double span);
double com_from_alpha(double alpha);
// ewm(com).mean() with min_periods 1: leading NaN stay NaN, later NaN repeat the last value.
Column ewm_mean(std::span<const double> x, double com, bool adjust);

// numpy.sum over a contiguous block.
double pairwise_sum(const double* x, size_t n);

// True range: max(H-L, |H-C_prev|, |L-C_prev|) skipping NaN; TR_0 = H_0 - L_0.
Column true_range(std::span<const double> high, std::span<const double> low, std::span<const double> close);

}  // namespace ktrdr::indicators
