// Section parsers shared by the strategy YAML loader and the model-directory reconstruction
// (docs/reference.md §5.2).
#pragma once

#include <yaml-cpp/yaml.h>

#include "config/yaml_util.h"
#include "ktrdr/config/strategy_config.h"

namespace ktrdr::config::detail {

// `indicators` mapping (id -> {type, params...}); appends to cfg.indicators. Marks data_source use.
void parse_indicators(const YAML::Node& node, const Where& where, StrategyConfig& cfg);
// `fuzzy_sets` mapping (id -> {indicator, membership: [a,b,c] | {type, parameters}}).
void parse_fuzzy_sets(const YAML::Node& node, const Where& where, StrategyConfig& cfg);
// `nn_inputs` list.
void parse_nn_inputs(const YAML::Node& node, const Where& where, StrategyConfig& cfg);
// `decisions` mapping (docs/reference.md §1.4); `training` is read for the regression loss check.
DecisionConfig parse_decisions(const YAML::Node& node, const Where& where, const YAML::Node& training,
                               std::vector<std::string>& warnings);
// `model` mapping (docs/reference.md §1.5).
ModelArchitecture parse_model(const YAML::Node& node, const Where& where, std::vector<std::string>& warnings);
// Cross-references of docs/reference.md §1.2 and the indicator parameter check (validate_indicator).
void validate_strategy(StrategyConfig& cfg, const std::string& origin, bool strict);

}  // namespace ktrdr::config::detail
