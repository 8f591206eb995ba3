// Strategy configuration v3 (docs/reference.md §1): what a backtest needs from a strategy YAML or a model's
// config.json / metadata_v3.json. Loaders validate and name the key and problem on error.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ktrdr/fuzzy/membership.h"
#include "ktrdr/indicators/indicator.h"

namespace ktrdr::config {

struct NNInput {
  // exactly one of fuzzy_set / raw_indicator is non-empty
  std::string fuzzy_set;
  std::string raw_indicator;    // literal reference, may contain one '.', e.g. "macd_12_26_9.line"
  bool all_timeframes = false;  // timeframes: "all"
  std::vector<std::string> timeframes;
  std::string normalization;  // "", "minmax", "zscore", "none"
};

enum class OutputFormat { kClassification, kRegression };

// `decisions` keys read by the backtest (docs/reference.md §1.4), with their defaults.
struct DecisionConfig {
  OutputFormat output_format = OutputFormat::kClassification;
  double confidence_threshold = 0.5;
  double min_signal_separation_hours = 4.0;
  bool position_awareness = true;
  bool allow_short_from_flat = false;
  double round_trip_cost = 0.003;
  double min_edge_multiplier = 1.5;
};

enum class ModelType { kMlp, kLstm, kGru };
enum class Activation { kRelu, kTanh, kSigmoid, kLeakyRelu };

// `model` section (docs/reference.md §1.5, §5.3).
struct ModelArchitecture {
  ModelType type = ModelType::kMlp;
  std::vector<int> hidden_layers{64, 32};  // MLP
  Activation activation = Activation::kRelu;
  double dropout = 0.2;
  int sequence_length = 0;         // LSTM/GRU (required there)
  int hidden_size = 64;            // LSTM/GRU
  int num_layers = 2;              // LSTM/GRU
  std::optional<int> num_classes;  // explicit `num_classes` if the config has one
  // `model.output_format`, injected by training for regression models (one output).
  OutputFormat output_format = OutputFormat::kClassification;
};

struct StrategyConfig {
  std::string name;
  std::string description;
  std::string version = "3.0";
  std::vector<std::string> symbols;
  std::vector<std::string> timeframes;  // available timeframes, in config order
  std::string base_timeframe;           // "" when not set
  bool multi_timeframe = false;
  std::vector<indicators::IndicatorSpec> indicators;  // YAML order
  std::vector<fuzzy::FuzzySet> fuzzy_sets;            // YAML order
  std::vector<NNInput> nn_inputs;                     // YAML order
  ModelArchitecture model;
  DecisionConfig decisions;
  bool has_context_data = false;      // context_data present (rejected by the engine for now)
  std::vector<std::string> warnings;  // non-fatal findings (unused indicators, unknown params, ...)

  const indicators::IndicatorSpec* find_indicator(const std::string& id) const;
  const fuzzy::FuzzySet* find_fuzzy_set(const std::string& id) const;
};

// Parses and validates (docs/reference.md §1.2) a v3 strategy YAML file. Throws ktrdr::Error "FILE: key:
// problem".
StrategyConfig load_strategy_yaml(const std::string& path, bool strict = false);
// Same from YAML text (origin names it in errors).
StrategyConfig parse_strategy_yaml(const std::string& text, const std::string& origin, bool strict = false);

}  // namespace ktrdr::config
