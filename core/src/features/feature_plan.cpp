#include "feature_plan.h"

#include <algorithm>
#include <set>

#include "ktrdr/common/error.h"
#include "ktrdr/common/thread_pool.h"
#include "ktrdr/data/ohlcv_loader.h"
#include "ktrdr/features/alignment.h"

namespace ktrdr::features::detail {
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

FeaturePlan plan_features(const config::StrategyConfig& strategy,
                          const std::map<std::string, BarSeries>& data, const std::string& base_timeframe,
                          const std::vector<std::string>& expected, std::vector<std::string>& warnings) {
  FeaturePlan plan;
  plan.base = pick_base(strategy, data, base_timeframe);
  plan.base_duration_ns = timeframe_ns(plan.base);

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
  plan.names = expected.empty() ? resolved : expected;
  std::vector<std::string> missing;
  for (const auto& name : plan.names) {
    if (!recipes.count(name)) missing.push_back(name);
  }
  if (!missing.empty()) {
    std::vector<std::string> have;
    for (const auto& [tf, bars] : data) have.push_back(tf);
    KTRDR_FAIL(
        "feature mismatch: {} of the {} expected features cannot be computed from strategy {} on timeframes "
        "[{}]: "
        "missing {}; available {}",
        missing.size(), plan.names.size(), strategy.name, join(have), join(missing, 20), join(available));
  }
  {
    const std::set<std::string> wanted(plan.names.begin(), plan.names.end());
    std::vector<std::string> extras;
    for (const auto& name : resolved) {
      if (!wanted.count(name)) extras.push_back(name);
    }
    if (!extras.empty()) {
      warnings.push_back(fmt::format("{} resolved features are not model inputs and are dropped: {}",
                                     extras.size(), join(extras, 20)));
    }
  }
  plan.recipes.reserve(plan.names.size());
  for (const auto& name : plan.names) plan.recipes.push_back(recipes.at(name));
  return plan;
}

ColumnSource::ColumnSource(const config::StrategyConfig& strategy,
                           const std::map<std::string, BarSeries>& data, const FeaturePlan& plan,
                           const std::map<std::string, config::NormalizationParams>& normalization,
                           const FeatureOptions& options, std::vector<std::string>& warnings)
    : strategy_(strategy),
      data_(data),
      plan_(plan),
      normalization_(normalization),
      options_(options),
      warnings_(warnings) {}

indicators::IndicatorResult ColumnSource::compute(const std::string& tf, const std::string& id,
                                                  std::vector<std::string>& found) const {
  const indicators::IndicatorSpec* spec = strategy_.find_indicator(id);
  KTRDR_REQUIRE(spec != nullptr, "strategy {}: '{}' is not an indicator", strategy_.name, id);
  indicators::IndicatorResult r;
  try {
    // The reference's broken supertrend (all-NaN trend) only in ktrdr mode (docs/decisions.md).
    indicators::ComputeOptions compute;
    compute.strict = options_.strict;
    compute.ktrdr_compat = options_.mode == Mode::kKtrdr;
    r = indicators::compute_indicator(*spec, data_.at(tf), compute, &found);
  } catch (const Error& e) {
    const std::string text = e.what();  // compute_indicator's errors name the indicator id
    if (text.find(id) != std::string::npos) KTRDR_FAIL("timeframe {}: {}", tf, text);
    KTRDR_FAIL("timeframe {}: indicator {}: {}", tf, id, text);
  }
  KTRDR_REQUIRE(!r.outputs.empty(), "timeframe {}: indicator {} returned no output", tf, id);
  return r;
}

void ColumnSource::add_warnings(const std::string& id, const std::vector<std::string>& found) {
  for (const auto& w : found) {
    const std::string text = fmt::format("indicator {}: {}", id, w);
    if (std::find(warnings_.begin(), warnings_.end(), text) == warnings_.end()) warnings_.push_back(text);
  }
}

const indicators::IndicatorResult& ColumnSource::indicator(const std::string& tf, const std::string& id) {
  const std::string key = tf + "\n" + id;
  auto it = indicators_.find(key);
  if (it != indicators_.end()) return it->second;
  indicators::IndicatorResult r;
  if (auto pre = prefetched_.find(key); pre != prefetched_.end()) {
    Prefetched p = std::move(pre->second);
    prefetched_.erase(pre);
    if (p.error) std::rethrow_exception(p.error);
    add_warnings(id, p.found);
    r = std::move(p.result);
  } else {
    std::vector<std::string> found;
    r = compute(tf, id, found);
    add_warnings(id, found);
  }
  return indicators_.emplace(key, std::move(r)).first->second;
}

void ColumnSource::prefetch() {
  if (options_.pool == nullptr || options_.pool->size() < 2) return;
  std::vector<std::pair<std::string, std::string>> wanted;  // (tf, id), first use first
  auto want = [&](const std::string& tf, const std::string& ref) {
    const std::string id = ref.substr(0, ref.find('.'));
    const std::pair<std::string, std::string> item{tf, id};
    if (strategy_.find_indicator(id) != nullptr && !indicators_.count(tf + "\n" + id) &&
        std::find(wanted.begin(), wanted.end(), item) == wanted.end())
      wanted.push_back(item);
  };
  for (const Recipe& r : plan_.recipes)
    want(r.tf, r.set != nullptr ? r.set->indicator : r.raw->raw_indicator);
  if (options_.include_indicators)
    for (const auto& spec : strategy_.indicators) want(plan_.base, spec.id);
  std::vector<Prefetched> done(wanted.size());
  options_.pool->parallel_for(wanted.size(), [&](size_t k) {
    try {
      done[k].result = compute(wanted[k].first, wanted[k].second, done[k].found);
    } catch (...) {
      done[k].error = std::current_exception();
    }
  });
  for (size_t k = 0; k < wanted.size(); ++k)
    prefetched_.emplace(wanted[k].first + "\n" + wanted[k].second, std::move(done[k]));
}

const std::vector<double>& ColumnSource::indicator_column(const std::string& tf, const std::string& ref) {
  const size_t dot = ref.find('.');
  const indicators::IndicatorResult& r = indicator(tf, ref.substr(0, dot));
  if (dot == std::string::npos) return r.outputs.front().values;
  const std::string output = ref.substr(dot + 1);
  std::vector<std::string> names;
  for (const auto& o : r.outputs) {
    if (o.name == output) return o.values;
    names.push_back(o.name);
  }
  KTRDR_FAIL("timeframe {}: '{}': no output '{}' (outputs: {})", tf, ref, output, join(names));
}

std::vector<double> ColumnSource::column(size_t j) {
  const Recipe& r = plan_.recipes[j];
  const std::string& name = plan_.names[j];
  std::vector<double> column;
  if (r.set != nullptr) {
    const std::vector<double>& input = indicator_column(r.tf, r.set->indicator);
    column = indicators::new_column(input.size());
    r.set->memberships[r.membership].function.evaluate(input.data(), input.size(), column.data());
  } else {
    column = copy_column(indicator_column(r.tf, r.raw->raw_indicator));
    auto p = normalization_.find(name);
    if (p != normalization_.end()) {
      if (!normalize_column(column, p->second)) {
        warnings_.push_back(
            fmt::format("{}: unknown normalization method '{}', using raw values", name, p->second.method));
      }
    } else if (r.raw->normalization == "minmax" || r.raw->normalization == "zscore") {
      warnings_.push_back(
          fmt::format("{}: normalization {} requested but there are no normalization_params for it; "
                      "using raw values "
                      "(as the reference)",
                      name, r.raw->normalization));
    }
  }
  if (r.tf != plan_.base) {
    auto it = index_by_tf_.find(r.tf);
    if (it == index_by_tf_.end()) {
      it = index_by_tf_
               .emplace(r.tf, alignment_index(data_.at(plan_.base).ts_ns, plan_.base_duration_ns,
                                              data_.at(r.tf).ts_ns, timeframe_ns(r.tf), options_.mode))
               .first;
    }
    column = align_column(column, it->second, options_.mode);
  }
  return column;
}

}  // namespace ktrdr::features::detail
