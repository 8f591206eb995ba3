// A reference model directory (docs/reference.md §5.1, §5.2): metadata_v3.json + config.json + features.json
// + model.pt. Everything except the weights; the weights are read by ktrdr/model/model.h.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ktrdr/config/strategy_config.h"

namespace ktrdr::config {

struct NormalizationParams {
  std::string method;  // minmax | zscore | none | other
  double min = 0, max = 0, mean = 0, std = 0;
};

struct ModelBundleInfo {
  std::string directory;
  std::string weights_path;  // directory/model.pt (or a TorchScript file)
  std::string model_name;
  std::string strategy_name;
  std::vector<std::string> resolved_features;  // canonical input order
  std::vector<std::string> training_symbols;
  std::vector<std::string> training_timeframes;  // base first
  std::string output_type = "classification";
  ModelType model_type = ModelType::kMlp;
  int sequence_length = 1;  // temporal window (1 for MLP)
  int input_size = 0;       // features.json feature_count, else resolved_features.size()
  int num_outputs = 3;      // 1 for regression
  std::map<std::string, NormalizationParams> normalization_params;
  StrategyConfig strategy;  // reconstructed per docs/reference.md §5.2 (decisions/model from config.json)
};

// Loads and checks a model directory. Errors name the file and key: missing metadata_v3.json,
// empty resolved_features, context data or ensemble models (not supported), unknown model type.
ModelBundleInfo load_model_bundle(const std::string& directory);

}  // namespace ktrdr::config
