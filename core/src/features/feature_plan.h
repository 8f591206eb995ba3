// Private to features/: what compute_features and compute_feature_matrix share. The plan resolves the
// requested feature names to recipes (checking for missing ones, warning about dropped extras); a column
// source makes any one feature column as a double column, computing indicators once per (timeframe, id).
// Both entry points make every column with the same code, so their values are the same bit for bit.
#pragma once

#include <cstdint>
#include <exception>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "ktrdr/features/feature_frame.h"
#include "ktrdr/indicators/indicator.h"
#include "ktrdr/indicators/series_ops.h"

namespace ktrdr::features::detail {

// How one feature column is made: a membership of a fuzzy set, or a raw indicator column.
struct Recipe {
  std::string tf;
  const fuzzy::FuzzySet* set = nullptr;  // fuzzy feature
  size_t membership = 0;
  const config::NNInput* raw = nullptr;  // raw feature
};

struct FeaturePlan {
  std::string base;                // the base timeframe
  int64_t base_duration_ns = 0;    // its bar length
  std::vector<std::string> names;  // = requested order
  std::vector<Recipe> recipes;     // recipes[j] makes names[j]
};

// Throws ktrdr::Error listing missing and available features; appends the "not model inputs" warning.
FeaturePlan plan_features(const config::StrategyConfig& strategy,
                          const std::map<std::string, BarSeries>& data, const std::string& base_timeframe,
                          const std::vector<std::string>& expected, std::vector<std::string>& warnings);

// Makes feature columns of a plan. Indicator results and alignment indexes are computed on first use and kept
// for the lifetime of the source; warnings are appended as they are found (so in column order).
class ColumnSource {
 public:
  ColumnSource(const config::StrategyConfig& strategy, const std::map<std::string, BarSeries>& data,
               const FeaturePlan& plan,
               const std::map<std::string, config::NormalizationParams>& normalization,
               const FeatureOptions& options, std::vector<std::string>& warnings);

  // The finished column j (membership or normalised raw values, aligned onto the base bars).
  std::vector<double> column(size_t j);

  // Computes, on options.pool's threads, every indicator the plan's columns use (and with include_indicators
  // every indicator of the base timeframe). Their warnings and errors are kept and come out when indicator()
  // first returns each, as if it had computed it then: the same order as without prefetching.
  void prefetch();

  // The indicator result of `id` on timeframe `tf`.
  const indicators::IndicatorResult& indicator(const std::string& tf, const std::string& id);
  // Column for a reference "id" (primary output) or "id.output".
  const std::vector<double>& indicator_column(const std::string& tf, const std::string& ref);

 private:
  const config::StrategyConfig& strategy_;
  const std::map<std::string, BarSeries>& data_;
  const FeaturePlan& plan_;
  const std::map<std::string, config::NormalizationParams>& normalization_;
  const FeatureOptions& options_;
  std::vector<std::string>& warnings_;
  // compute_indicator with the error naming timeframe and indicator; its warnings go to `found`.
  indicators::IndicatorResult compute(const std::string& tf, const std::string& id,
                                      std::vector<std::string>& found) const;
  void add_warnings(const std::string& id, const std::vector<std::string>& found);

  struct Prefetched {
    indicators::IndicatorResult result;
    std::vector<std::string> found;  // warnings
    std::exception_ptr error;
  };
  std::unordered_map<std::string, indicators::IndicatorResult> indicators_;
  std::unordered_map<std::string, Prefetched> prefetched_;
  std::map<std::string, std::vector<int64_t>> index_by_tf_;
};

// A copy of `src` whose storage asks for huge pages before it is touched (see indicators::new_column).
template <typename T>
std::vector<T> copy_column(const std::vector<T>& src) {
  std::vector<T> out;
  out.reserve(src.size());
  indicators::advise_huge_pages(out.data(), src.size() * sizeof(T));
  out.assign(src.begin(), src.end());
  return out;
}

}  // namespace ktrdr::features::detail
