// Feature resolution (docs/reference.md §2.1) and the feature matrix (§2.2-2.4).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ktrdr/common/mode.h"
#include "ktrdr/config/model_bundle.h"
#include "ktrdr/config/strategy_config.h"
#include "ktrdr/data/bar_series.h"

namespace ktrdr {
class ThreadPool;
}

namespace ktrdr::features {

// resolved feature names of a strategy in YAML order (docs/reference.md §2.1), e.g. "1h_rsi_zone_oversold",
// "1h_adx_14.adx_raw".
std::vector<std::string> resolve_features(const config::StrategyConfig& strategy);

// Double-precision features, column-major, one row per base-timeframe bar.
struct FeatureFrame {
  std::vector<int64_t> ts_ns;                // base timeframe bar stamps
  std::vector<std::string> names;            // = requested feature order
  std::vector<std::vector<double>> columns;  // columns[j][i]
  // With FeatureOptions::include_indicators: every indicator column of the base timeframe under its
  // pipeline name ("1h_rsi_14", "1h_adx_14.adx", ..., alias last), strategy order.
  std::vector<std::string> indicator_names;
  std::vector<std::vector<double>> indicator_columns;
  std::vector<std::string> warnings;

  size_t rows() const { return ts_ns.size(); }
  size_t cols() const { return names.size(); }
};

// Row-major float32 matrix [rows x cols] ready for one batched inference call.
struct FeatureMatrix {
  size_t rows = 0;
  size_t cols = 0;
  std::vector<std::string> names;
  std::vector<float> values;
  std::vector<std::string> warnings;  // found while computing the features (as FeatureFrame::warnings)
  const float* row(size_t i) const { return values.data() + i * cols; }
};

struct FeatureOptions {
  Mode mode = Mode::kKtrdr;
  bool include_indicators = false;
  bool strict = false;  // unknown indicator parameters are errors
  // Threads for the indicators (one per indicator) and the matrix's fuzzy blocks (ranges of rows). Each
  // column is computed by the same code on one thread, so values, warnings and errors do not depend on it.
  ThreadPool* pool = nullptr;
};

// Computes every feature of `strategy` on `data` (timeframe -> bars; bars already date-filtered),
// aligns other timeframes onto `base_timeframe`, applies raw-feature normalisation from
// `normalization`, and orders columns as `expected` (the model's resolved_features). A missing expected
// feature throws ktrdr::Error listing the missing and the available names; extras are dropped with a
// warning. An empty `expected` means "resolve_features(strategy)".
FeatureFrame compute_features(const config::StrategyConfig& strategy,
                              const std::map<std::string, BarSeries>& data, const std::string& base_timeframe,
                              const std::vector<std::string>& expected,
                              const std::map<std::string, config::NormalizationParams>& normalization,
                              const FeatureOptions& options);

// Converts to float32 row-major (NaN stays NaN).
FeatureMatrix to_matrix(const FeatureFrame& frame);

}  // namespace ktrdr::features
