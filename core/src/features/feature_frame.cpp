#include "ktrdr/features/feature_frame.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

#include "ktrdr/common/error.h"
#include "ktrdr/data/ohlcv_loader.h"
#include "ktrdr/features/alignment.h"
#include "ktrdr/indicators/series_ops.h"

namespace ktrdr::features {

namespace {

std::string join(const std::vector<std::string>& items, size_t limit = 0) {
  std::string out;
  const size_t n = limit == 0 ? items.size() : std::min(limit, items.size());
  for (size_t i = 0; i < n; ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  if (n < items.size()) out += fmt::format(", ... ({} more)", items.size() - n);
  return out;
}

// A copy of `src` whose storage asks for huge pages before it is touched (see indicators::new_column).
template <typename T>
std::vector<T> copy_column(const std::vector<T>& src) {
  std::vector<T> out;
  out.reserve(src.size());
  indicators::advise_huge_pages(out.data(), src.size() * sizeof(T));
  out.assign(src.begin(), src.end());
  return out;
}

// How one feature column is made.
struct Recipe {
  std::string tf;
  const fuzzy::FuzzySet* set = nullptr;  // fuzzy feature
  size_t membership = 0;
  const config::NNInput* raw = nullptr;  // raw feature
};

// Indicator results per (timeframe, indicator id), computed on first use.
class IndicatorCache {
 public:
  IndicatorCache(const config::StrategyConfig& strategy, const std::map<std::string, BarSeries>& data,
                 const FeatureOptions& options, std::vector<std::string>& warnings)
      : strategy_(strategy), data_(data), options_(options), warnings_(warnings) {}

  const indicators::IndicatorResult& result(const std::string& tf, const std::string& id) {
    const std::string key = tf + "\n" + id;
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    const indicators::IndicatorSpec* spec = strategy_.find_indicator(id);
    KTRDR_REQUIRE(spec != nullptr, "strategy {}: '{}' is not an indicator", strategy_.name, id);
    std::vector<std::string> found;
    indicators::IndicatorResult r;
    try {
      // The reference's broken supertrend (all-NaN trend) only in ktrdr mode (DECISIONS.md).
      indicators::ComputeOptions compute;
      compute.strict = options_.strict;
      compute.ktrdr_compat = options_.mode == AlignmentMode::kKtrdr;
      r = indicators::compute_indicator(*spec, data_.at(tf), compute, &found);
    } catch (const Error& e) {
      const std::string text = e.what();  // compute_indicator's errors name the indicator id
      if (text.find(id) != std::string::npos) KTRDR_FAIL("timeframe {}: {}", tf, text);
      KTRDR_FAIL("timeframe {}: indicator {}: {}", tf, id, text);
    }
    KTRDR_REQUIRE(!r.outputs.empty(), "timeframe {}: indicator {} returned no output", tf, id);
    for (const auto& w : found) {
      const std::string text = fmt::format("indicator {}: {}", id, w);
      if (std::find(warnings_.begin(), warnings_.end(), text) == warnings_.end()) warnings_.push_back(text);
    }
    return cache_.emplace(key, std::move(r)).first->second;
  }

  // Column for a reference "id" (primary output) or "id.output".
  const std::vector<double>& column(const std::string& tf, const std::string& ref) {
    const size_t dot = ref.find('.');
    const indicators::IndicatorResult& r = result(tf, ref.substr(0, dot));
    if (dot == std::string::npos) return r.outputs.front().values;
    const std::string output = ref.substr(dot + 1);
    std::vector<std::string> names;
    for (const auto& o : r.outputs) {
      if (o.name == output) return o.values;
      names.push_back(o.name);
    }
    KTRDR_FAIL("timeframe {}: '{}': no output '{}' (outputs: {})", tf, ref, output, join(names));
  }

 private:
  const config::StrategyConfig& strategy_;
  const std::map<std::string, BarSeries>& data_;
  const FeatureOptions& options_;
  std::vector<std::string>& warnings_;
  std::unordered_map<std::string, indicators::IndicatorResult> cache_;
};

std::string pick_base(const config::StrategyConfig& strategy, const std::map<std::string, BarSeries>& data,
                      const std::string& requested) {
  std::vector<std::string> have;
  for (const auto& [tf, bars] : data) have.push_back(tf);
  KTRDR_REQUIRE(!data.empty(), "strategy {}: no bar data given", strategy.name);
  std::string base = requested;
  if (base.empty()) base = strategy.base_timeframe;
  if (base.empty() && !strategy.timeframes.empty()) base = strategy.timeframes.front();
  if (base.empty()) base = data.begin()->first;
  KTRDR_REQUIRE(data.count(base) != 0, "base timeframe {} has no bar data (have: {})", base, join(have));
  return base;
}

}  // namespace

FeatureFrame compute_features(const config::StrategyConfig& strategy,
                              const std::map<std::string, BarSeries>& data, const std::string& base_timeframe,
                              const std::vector<std::string>& expected,
                              const std::map<std::string, config::NormalizationParams>& normalization,
                              const FeatureOptions& options) {
  FeatureFrame frame;
  const std::string base = pick_base(strategy, data, base_timeframe);
  const BarSeries& base_bars = data.at(base);
  frame.ts_ns = copy_column(base_bars.ts_ns);

  // Timeframes: the strategy's order first, then any other data key.
  std::vector<std::string> tfs;
  for (const auto& tf : strategy.timeframes) {
    if (data.count(tf) && std::find(tfs.begin(), tfs.end(), tf) == tfs.end()) tfs.push_back(tf);
  }
  for (const auto& [tf, bars] : data) {
    if (std::find(tfs.begin(), tfs.end(), tf) == tfs.end()) tfs.push_back(tf);
  }

  // Every feature this strategy can produce on this data.
  std::vector<std::string> available;
  std::unordered_map<std::string, Recipe> recipes;
  auto add = [&](const std::string& name, Recipe r) {
    if (recipes.emplace(name, std::move(r)).second) available.push_back(name);
  };
  for (const auto& tf : tfs) {
    for (const auto& set : strategy.fuzzy_sets) {
      for (size_t m = 0; m < set.memberships.size(); ++m) {
        add(tf + "_" + set.id + "_" + set.memberships[m].name, Recipe{tf, &set, m, nullptr});
      }
    }
    for (const auto& input : strategy.nn_inputs) {
      if (!input.raw_indicator.empty())
        add(tf + "_" + input.raw_indicator + "_raw", Recipe{tf, nullptr, 0, &input});
    }
  }

  const std::vector<std::string> resolved =
      strategy.timeframes.empty() ? std::vector<std::string>{} : resolve_features(strategy);
  frame.names = expected.empty() ? resolved : expected;
  std::vector<std::string> missing;
  for (const auto& name : frame.names) {
    if (!recipes.count(name)) missing.push_back(name);
  }
  if (!missing.empty()) {
    std::vector<std::string> have;
    for (const auto& [tf, bars] : data) have.push_back(tf);
    KTRDR_FAIL(
        "feature mismatch: {} of the {} expected features cannot be computed from strategy {} on timeframes "
        "[{}]: "
        "missing {}; available {}",
        missing.size(), frame.names.size(), strategy.name, join(have), join(missing, 20), join(available));
  }
  {
    const std::set<std::string> wanted(frame.names.begin(), frame.names.end());
    std::vector<std::string> extras;
    for (const auto& name : resolved) {
      if (!wanted.count(name)) extras.push_back(name);
    }
    if (!extras.empty()) {
      frame.warnings.push_back(fmt::format("{} resolved features are not model inputs and are dropped: {}",
                                           extras.size(), join(extras, 20)));
    }
  }

  IndicatorCache cache(strategy, data, options, frame.warnings);
  const int64_t base_duration = timeframe_ns(base);
  std::map<std::string, std::vector<int64_t>> index_by_tf;
  frame.columns.reserve(frame.names.size());
  for (const auto& name : frame.names) {
    const Recipe& r = recipes.at(name);
    const std::vector<double>* input = nullptr;
    std::vector<double> column;
    if (r.set != nullptr) {
      input = &cache.column(r.tf, r.set->indicator);
      column = indicators::new_column(input->size());
      r.set->memberships[r.membership].function.evaluate(input->data(), input->size(), column.data());
    } else {
      column = copy_column(cache.column(r.tf, r.raw->raw_indicator));
      auto p = normalization.find(name);
      if (p != normalization.end()) {
        if (!normalize_column(column, p->second)) {
          frame.warnings.push_back(
              fmt::format("{}: unknown normalization method '{}', using raw values", name, p->second.method));
        }
      } else if (r.raw->normalization == "minmax" || r.raw->normalization == "zscore") {
        frame.warnings.push_back(
            fmt::format("{}: normalization {} requested but there are no normalization_params for it; "
                        "using raw values "
                        "(as the reference)",
                        name, r.raw->normalization));
      }
    }
    if (r.tf != base) {
      auto it = index_by_tf.find(r.tf);
      if (it == index_by_tf.end()) {
        it = index_by_tf
                 .emplace(r.tf, alignment_index(base_bars.ts_ns, base_duration, data.at(r.tf).ts_ns,
                                                timeframe_ns(r.tf), options.mode))
                 .first;
      }
      column = align_column(column, it->second, options.mode);
    }
    frame.columns.push_back(std::move(column));
  }

  if (options.include_indicators) {
    for (const auto& spec : strategy.indicators) {
      const indicators::IndicatorResult& r = cache.result(base, spec.id);
      const std::string prefix = base + "_" + spec.id;
      if (r.multi_output) {
        for (const auto& o : r.outputs) {
          frame.indicator_names.push_back(prefix + "." + o.name);
          frame.indicator_columns.push_back(copy_column(o.values));
        }
      }
      frame.indicator_names.push_back(prefix);  // single output, or the primary alias (last)
      frame.indicator_columns.push_back(copy_column(r.outputs.front().values));
    }
  }
  return frame;
}

FeatureMatrix to_matrix(const FeatureFrame& frame) {
  FeatureMatrix m;
  m.rows = frame.rows();
  m.cols = frame.cols();
  m.names = frame.names;
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
