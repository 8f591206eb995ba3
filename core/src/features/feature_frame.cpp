#include "ktrdr/features/feature_frame.h"

#include <algorithm>

#include "feature_plan.h"
#include "ktrdr/common/error.h"
#include "ktrdr/indicators/series_ops.h"

namespace ktrdr::features {

FeatureFrame compute_features(const config::StrategyConfig& strategy,
                              const std::map<std::string, BarSeries>& data, const std::string& base_timeframe,
                              const std::vector<std::string>& expected,
                              const std::map<std::string, config::NormalizationParams>& normalization,
                              const FeatureOptions& options) {
  FeatureFrame frame;
  const detail::FeaturePlan plan =
      detail::plan_features(strategy, data, base_timeframe, expected, frame.warnings);
  frame.ts_ns = detail::copy_column(data.at(plan.base).ts_ns);
  frame.names = plan.names;

  detail::ColumnSource source(strategy, data, plan, normalization, options, frame.warnings);
  source.prefetch();
  frame.columns.reserve(frame.names.size());
  for (size_t j = 0; j < frame.names.size(); ++j) frame.columns.push_back(source.column(j));

  if (options.include_indicators) {
    for (const auto& spec : strategy.indicators) {
      const indicators::IndicatorResult& r = source.indicator(plan.base, spec.id);
      const std::string prefix = plan.base + "_" + spec.id;
      if (r.multi_output) {
        for (const auto& o : r.outputs) {
          frame.indicator_names.push_back(prefix + "." + o.name);
          frame.indicator_columns.push_back(detail::copy_column(o.values));
        }
      }
      frame.indicator_names.push_back(prefix);  // single output, or the primary alias (last)
      frame.indicator_columns.push_back(detail::copy_column(r.outputs.front().values));
    }
  }
  return frame;
}

FeatureMatrix to_matrix(const FeatureFrame& frame) {
  FeatureMatrix m;
  m.rows = frame.rows();
  m.cols = frame.cols();
  m.names = frame.names;
  m.warnings = frame.warnings;
  std::vector<const double*> src(m.cols);
  for (size_t j = 0; j < m.cols; ++j) {
    KTRDR_REQUIRE(frame.columns[j].size() == m.rows, "feature {} has {} rows, expected {}", frame.names[j],
                  frame.columns[j].size(), m.rows);
    src[j] = frame.columns[j].data();
  }
  // The buffer is written once (no zero-fill first), in huge pages where the kernel allows: on a VM the
  // page faults of a fresh 4 KB-paged buffer cost more than the conversion itself.
  m.values.reserve(m.rows * m.cols);
  indicators::advise_huge_pages(m.values.data(), m.rows * m.cols * sizeof(float));
  // Blocks of rows converted into a small buffer (sequential reads per column), then appended.
  constexpr size_t kBlockRows = 256;
  std::vector<float> block(kBlockRows * m.cols);
  for (size_t i0 = 0; i0 < m.rows; i0 += kBlockRows) {
    const size_t rows = std::min(kBlockRows, m.rows - i0);
    for (size_t j = 0; j < m.cols; ++j) {
      const double* col = src[j] + i0;
      for (size_t r = 0; r < rows; ++r) block[r * m.cols + j] = static_cast<float>(col[r]);
    }
    m.values.insert(m.values.end(), block.begin(),
                    block.begin() + static_cast<std::ptrdiff_t>(rows * m.cols));
  }
  return m;
}

}  // namespace ktrdr::features
