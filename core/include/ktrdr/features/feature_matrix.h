// The feature matrix straight from the data: what to_matrix(compute_features(...)) gives, bit for bit,
// without making the double feature columns first. The runner's path: at 1 M bars the 8 MB double column of
// every fuzzy feature (written, then read back once for the float32 conversion) cost more than computing its
// values.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ktrdr/features/feature_frame.h"

namespace ktrdr::features {

// Same arguments, errors and warnings (FeatureMatrix::warnings) as compute_features, and
// options.include_indicators is ignored. Fuzzy features of the base timeframe are evaluated block by block
// from their indicator column into the float32 rows; other features (raw, other timeframes: normalised or
// aligned over the whole column) are made as double columns first, as compute_features makes them.
FeatureMatrix compute_feature_matrix(const config::StrategyConfig& strategy,
                                     const std::map<std::string, BarSeries>& data,
                                     const std::string& base_timeframe,
                                     const std::vector<std::string>& expected,
                                     const std::map<std::string, config::NormalizationParams>& normalization,
                                     const FeatureOptions& options);

}  // namespace ktrdr::features
