#include "ktrdr/features/feature_matrix.h"

#include <algorithm>

#include "feature_plan.h"
#include "ktrdr/common/error.h"
#include "ktrdr/common/thread_pool.h"
#include "ktrdr/indicators/series_ops.h"

namespace ktrdr::features {
namespace {

// Where the values of one matrix column come from: a membership evaluated on an indicator column, or a
// finished double column.
struct ColumnFeed {
  const fuzzy::MembershipFunction* membership = nullptr;
  const double* values = nullptr;  // the membership's input, or the finished column
};

}  // namespace

FeatureMatrix compute_feature_matrix(const config::StrategyConfig& strategy,
                                     const std::map<std::string, BarSeries>& data,
                                     const std::string& base_timeframe,
                                     const std::vector<std::string>& expected,
                                     const std::map<std::string, config::NormalizationParams>& normalization,
                                     const FeatureOptions& options) {
  FeatureMatrix m;
  const detail::FeaturePlan plan =
      detail::plan_features(strategy, data, base_timeframe, expected, m.warnings);
  m.rows = data.at(plan.base).size();
  m.cols = plan.names.size();
  m.names = plan.names;

  // Every input first, in column order (the order compute_features finds indicator warnings in).
  detail::ColumnSource source(strategy, data, plan, normalization, options, m.warnings);
  source.prefetch();
  std::vector<std::vector<double>> finished;
  finished.reserve(m.cols);
  std::vector<ColumnFeed> feeds(m.cols);
  for (size_t j = 0; j < m.cols; ++j) {
    const detail::Recipe& r = plan.recipes[j];
    if (r.set != nullptr && r.tf == plan.base) {
      const std::vector<double>& input = source.indicator_column(r.tf, r.set->indicator);
      KTRDR_REQUIRE(input.size() == m.rows, "feature {} has {} rows, expected {}", plan.names[j],
                    input.size(), m.rows);
      feeds[j] = {&r.set->memberships[r.membership].function, input.data()};
    } else {
      finished.push_back(source.column(j));
      KTRDR_REQUIRE(finished.back().size() == m.rows, "feature {} has {} rows, expected {}", plan.names[j],
                    finished.back().size(), m.rows);
      feeds[j] = {nullptr, finished.back().data()};
    }
  }

  // Blocks of rows: each membership is evaluated into a small double buffer, converted into the block's float
  // rows, and the block is appended. The matrix is written once (no zero fill), in huge pages where allowed.
  // With a pool, each thread makes a contiguous range of blocks: the first range straight into the matrix,
  // the others into their own buffers, appended in order after.
  constexpr size_t kBlockRows = 256;
  auto fill = [&](size_t first_row, size_t end_row, std::vector<float>& out) {
    out.reserve(out.size() + (end_row - first_row) * m.cols);
    indicators::advise_huge_pages(out.data() + out.size(), (end_row - first_row) * m.cols * sizeof(float));
    std::vector<float> block(kBlockRows * m.cols);
    std::vector<double> evaluated(kBlockRows);
    for (size_t i0 = first_row; i0 < end_row; i0 += kBlockRows) {
      const size_t rows = std::min(kBlockRows, end_row - i0);
      for (size_t j = 0; j < m.cols; ++j) {
        const double* col = feeds[j].values + i0;
        if (feeds[j].membership != nullptr) {
          feeds[j].membership->evaluate(col, rows, evaluated.data());
          col = evaluated.data();
        }
        for (size_t r = 0; r < rows; ++r) block[r * m.cols + j] = static_cast<float>(col[r]);
      }
      out.insert(out.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(rows * m.cols));
    }
  };
  const size_t blocks = (m.rows + kBlockRows - 1) / kBlockRows;
  const size_t parts = options.pool != nullptr && m.rows >= 64 * kBlockRows ? options.pool->size() : 1;
  std::vector<size_t> bounds = split_evenly(blocks, parts);
  for (size_t& b : bounds) b = std::min(b * kBlockRows, m.rows);
  if (bounds.size() <= 2) {
    fill(0, m.rows, m.values);
  } else {
    m.values.reserve(m.rows * m.cols);
    std::vector<std::vector<float>> tails(bounds.size() - 2);
    options.pool->parallel_for(bounds.size() - 1, [&](size_t k) {
      fill(bounds[k], bounds[k + 1], k == 0 ? m.values : tails[k - 1]);
    });
    for (const auto& t : tails) m.values.insert(m.values.end(), t.begin(), t.end());
  }
  return m;
}

}  // namespace ktrdr::features
