#include <string>
#include <vector>

#include "ktrdr/common/error.h"
#include "ktrdr/features/feature_frame.h"

namespace ktrdr::features {

std::vector<std::string> resolve_features(const config::StrategyConfig& strategy) {
  KTRDR_REQUIRE(!strategy.timeframes.empty(),
                "strategy {}: training_data.timeframes has no timeframe; cannot resolve features",
                strategy.name);
  std::vector<std::string> names;
  for (const config::NNInput& input : strategy.nn_inputs) {
    const std::vector<std::string>& tfs = input.all_timeframes ? strategy.timeframes : input.timeframes;
    if (!input.fuzzy_set.empty()) {
      const fuzzy::FuzzySet* set = strategy.find_fuzzy_set(input.fuzzy_set);
      KTRDR_REQUIRE(set != nullptr, "strategy {}: nn_inputs references unknown fuzzy set '{}'", strategy.name,
                    input.fuzzy_set);
      for (const std::string& tf : tfs) {
        for (const fuzzy::Membership& m : set->memberships)
          names.push_back(tf + "_" + set->id + "_" + m.name);
      }
    } else {
      for (const std::string& tf : tfs) names.push_back(tf + "_" + input.raw_indicator + "_raw");
    }
  }
  return names;
}

}  // namespace ktrdr::features
