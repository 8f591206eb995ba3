// Multi-timeframe alignment (docs/reference.md §2.4, docs/decisions.md): putting another timeframe's feature
// column onto the base timeframe's bars. Exposed separately from compute_features so it can be tested on
// hand-made series.
#pragma once

#include <cstdint>
#include <vector>

#include "ktrdr/features/feature_frame.h"

namespace ktrdr::features {

// For each base bar i, the row of the other timeframe visible at that bar, or -1 when none is.
//  kKtrdr:     the latest other bar whose open stamp is <= the base bar's open stamp (as-of on open stamps;
//              a 4h bar stamped 08:00 is visible at the 09:00 hourly bar: look-ahead, as-is).
//  kCorrected: the latest other bar that has closed by the time the base bar closes:
//              other_ts + other_duration <= base_ts + base_duration.
// Both stamp vectors must be strictly increasing.
std::vector<int64_t> alignment_index(const std::vector<int64_t>& base_ts, int64_t base_duration_ns,
                                     const std::vector<int64_t>& other_ts, int64_t other_duration_ns,
                                     Mode mode);

// Reindexes `values` (other timeframe rows) onto the base bars with `index`, then applies the mode's fill:
//  kKtrdr:     when the column holds any NaN (before the first bar, or inherited warm-up), back-fill, then
//              forward-fill, then 0.0 (the reference fills the whole frame; per column this is the same).
//  kCorrected: nothing is filled; rows with no closed bar, or whose bar is in warm-up, stay NaN.
std::vector<double> align_column(const std::vector<double>& values, const std::vector<int64_t>& index,
                                 Mode mode);

// The reference's fill for an aligned frame: bfill, ffill, then 0.0 for what is left.
void fill_backward_forward_zero(std::vector<double>& values);

// Raw-feature normalisation (docs/reference.md §2.3) in place. minmax: (x - min) / (max - min), the whole
// column 0.0 when max == min; zscore: (x - mean) / std, the whole column 0.0 when std == 0; "none" or
// anything else: unchanged. Returns false when the method is not minmax/zscore/none (the caller warns).
bool normalize_column(std::vector<double>& values, const config::NormalizationParams& params);

}  // namespace ktrdr::features
