#include "ktrdr/config/model_bundle.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/strategy_parse.h"

namespace ktrdr::config {

namespace {

namespace fs = std::filesystem;
using detail::as_string;
using detail::child;
using detail::fail;
using detail::has;
using detail::Where;

YAML::Node read_json(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  KTRDR_REQUIRE(in.good(), "{}: cannot open", path.string());
  std::ostringstream text;
  text << in.rdbuf();
  YAML::Node node = detail::parse_document(text.str(), path.string());
  KTRDR_REQUIRE(node.IsMap(), "{}: expected a JSON object at the top level", path.string());
  return node;
}

bool non_empty(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return false;
  if (node.IsSequence() || node.IsMap()) return node.size() > 0;
  return true;
}

NormalizationParams parse_normalization(const YAML::Node& node, const Where& w) {
  if (!node.IsMap()) fail(w, "expected {method, min, max} or {method, mean, std}");
  NormalizationParams p;
  if (has(node, "method")) p.method = as_string(child(node, "method"), w / "method");
  if (has(node, "min")) p.min = detail::as_double(child(node, "min"), w / "min");
  if (has(node, "max")) p.max = detail::as_double(child(node, "max"), w / "max");
  if (has(node, "mean")) p.mean = detail::as_double(child(node, "mean"), w / "mean");
  if (has(node, "std")) p.std = detail::as_double(child(node, "std"), w / "std");
  return p;
}

// The directory exists, holds metadata_v3.json and is not an ensemble.
void check_directory(const fs::path& dir, const fs::path& meta_path) {
  KTRDR_REQUIRE(fs::is_directory(dir), "model directory {} does not exist or is not a directory",
                dir.string());
  KTRDR_REQUIRE(fs::exists(meta_path),
                "{}: missing; a v3 model directory needs metadata_v3.json (plus config.json, features.json, "
                "model.pt)",
                meta_path.string());
  for (const char* name : {"ensemble.yaml", "ensemble.yml", "ensemble.json", "ensemble_config.yaml"}) {
    KTRDR_REQUIRE(!fs::exists(dir / name),
                  "{}: ensemble models are not supported (docs/reference.md appendix A)",
                  (dir / name).string());
  }
}

// Unsupported kinds first, so the message is about them and not about a missing field.
void refuse_unsupported_metadata(const YAML::Node& meta, const Where& wm) {
  if (non_empty(child(meta, "context_data_config")) || non_empty(child(meta, "context_source_ids"))) {
    fail(wm / "context_data_config",
         "the model was trained with external context data, which is not supported yet (reference appendix "
         "B)");
  }
  for (const char* key : {"ensemble", "ensemble_config", "regime_router"}) {
    if (non_empty(child(meta, key)))
      fail(wm / key, "ensemble models are not supported (docs/reference.md appendix A)");
  }
}

ModelType parse_model_type(const YAML::Node& meta, const Where& wm) {
  std::string model_type = "mlp";
  if (has(meta, "model_type"))
    model_type = detail::lower(as_string(child(meta, "model_type"), wm / "model_type"));
  if (model_type == "mlp") return ModelType::kMlp;
  if (model_type == "lstm") return ModelType::kLstm;
  if (model_type == "gru") return ModelType::kGru;
  fail(wm / "model_type", "unknown model type '" + model_type + "' (have: mlp, lstm, gru)");
}

// metadata_v3.json's own fields: names, inputs, training symbols/timeframes, model type, normalisation.
void read_metadata_fields(const YAML::Node& meta, const Where& wm, ModelBundleInfo& info) {
  info.model_name = as_string(child(meta, "model_name"), wm / "model_name");
  info.strategy_name = as_string(child(meta, "strategy_name"), wm / "strategy_name");
  info.resolved_features = detail::as_string_list(child(meta, "resolved_features"), wm / "resolved_features");
  if (info.resolved_features.empty()) fail(wm / "resolved_features", "is empty; the model has no inputs");
  if (has(meta, "training_symbols")) {
    info.training_symbols = detail::as_string_list(child(meta, "training_symbols"), wm / "training_symbols");
  }
  if (has(meta, "training_timeframes")) {
    info.training_timeframes =
        detail::as_string_list(child(meta, "training_timeframes"), wm / "training_timeframes");
  }
  if (has(meta, "output_type")) info.output_type = as_string(child(meta, "output_type"), wm / "output_type");
  info.model_type = parse_model_type(meta, wm);
  if (info.model_type != ModelType::kMlp) {
    // seq_len = metadata.sequence_length or 1 (engine.py)
    info.sequence_length = has(meta, "sequence_length")
                               ? detail::as_int(child(meta, "sequence_length"), wm / "sequence_length")
                               : 1;
    if (info.sequence_length < 1) fail(wm / "sequence_length", "must be >= 1");
  }
  const YAML::Node norm = child(meta, "normalization_params");
  if (non_empty(norm)) {
    if (!norm.IsMap()) fail(wm / "normalization_params", "expected an object feature -> {method, ...}");
    for (auto it = norm.begin(); it != norm.end(); ++it) {
      const std::string feature = it->first.Scalar();
      info.normalization_params[feature] =
          parse_normalization(it->second, wm / "normalization_params" / feature);
    }
  }
}

// The strategy rebuilt from the metadata (docs/reference.md §5.2): symbols, timeframes, indicators, fuzzy
// sets, inputs.
void reconstruct_strategy(const YAML::Node& meta, const Where& wm, const ModelBundleInfo& info,
                          StrategyConfig& s) {
  s.name = info.strategy_name;
  if (has(meta, "strategy_version"))
    s.version = as_string(child(meta, "strategy_version"), wm / "strategy_version");
  s.symbols = info.training_symbols;
  s.timeframes = info.training_timeframes.empty() ? std::vector<std::string>{"1h"} : info.training_timeframes;
  s.base_timeframe = s.timeframes.front();
  s.multi_timeframe = s.timeframes.size() > 1;
  detail::parse_indicators(child(meta, "indicators"), wm / "indicators", s);
  if (s.has_context_data)
    fail(wm / "indicators", "an indicator uses `data_source` (context data), not supported yet");
  detail::parse_fuzzy_sets(child(meta, "fuzzy_sets"), wm / "fuzzy_sets", s);
  detail::parse_nn_inputs(child(meta, "nn_inputs"), wm / "nn_inputs", s);
}

// config.json: model and decisions (defaults {"type":"mlp"}, {"output_format":"classification"}).
void read_config(const fs::path& config_path, StrategyConfig& s) {
  YAML::Node config(YAML::NodeType::Map);
  if (fs::exists(config_path)) {
    config = read_json(config_path);
  } else {
    s.warnings.push_back(config_path.string() + ": missing; using the default model and decisions");
  }
  const Where wc{config_path.string(), ""};
  if (non_empty(child(config, "context_data"))) {
    fail(wc / "context_data",
         "models trained with external context data are not supported yet (docs/reference.md appendix B)");
  }
  if (non_empty(child(config, "ensemble")))
    fail(wc / "ensemble", "ensemble models are not supported (docs/reference.md appendix A)");
  if (has(config, "description") && child(config, "description").IsScalar()) {
    s.description = child(config, "description").Scalar();
  }
  // Model config = config["model"] if it has `architecture`; else config itself if it has one; else default.
  const YAML::Node model = child(config, "model");
  if (has(model, "architecture")) {
    s.model = detail::parse_model(model, wc / "model", s.warnings);
  } else if (has(config, "architecture")) {
    s.model = detail::parse_model(config, wc, s.warnings);
  } else {
    s.model = ModelArchitecture{};  // {type: mlp, architecture: {hidden_layers: [64, 32]}}
  }
  if (has(model, "output_format") && child(model, "output_format").IsScalar() &&
      child(model, "output_format").Scalar() == "regression") {
    s.model.output_format = OutputFormat::kRegression;
  }
  s.decisions = detail::parse_decisions(child(config, "decisions"), wc / "decisions",
                                        child(config, "training"), s.warnings);
}

// features.json: the input size (default: the number of resolved features).
int read_input_size(const fs::path& features_path, const ModelBundleInfo& info, const std::string& origin,
                    std::vector<std::string>& warnings) {
  int input_size = static_cast<int>(info.resolved_features.size());
  if (fs::exists(features_path)) {
    const YAML::Node features = read_json(features_path);
    if (has(features, "feature_count")) {
      input_size =
          detail::as_int(child(features, "feature_count"), {features_path.string(), "feature_count"});
      if (input_size != static_cast<int>(info.resolved_features.size())) {
        warnings.push_back(fmt::format("{}: feature_count {} differs from the {} resolved_features of {}",
                                       features_path.string(), input_size, info.resolved_features.size(),
                                       origin));
      }
    }
  }
  KTRDR_REQUIRE(input_size > 0, "{}: feature_count is 0; the model has no inputs", features_path.string());
  return input_size;
}

// Outputs (docs/reference.md §5.3): regression -> 1; explicit num_classes; else by output_type.
int output_count(const ModelBundleInfo& info) {
  const StrategyConfig& s = info.strategy;
  if (s.model.output_format == OutputFormat::kRegression || info.output_type == "regression") return 1;
  if (s.model.num_classes) return *s.model.num_classes;
  if (info.output_type == "regime_classification") return 4;
  return 3;
}

}  // namespace

ModelBundleInfo load_model_bundle(const std::string& directory) {
  const fs::path dir(directory);
  const fs::path meta_path = dir / "metadata_v3.json";
  check_directory(dir, meta_path);

  ModelBundleInfo info;
  info.directory = directory;
  info.weights_path = (dir / "model.pt").string();
  const YAML::Node meta = read_json(meta_path);
  const Where wm{meta_path.string(), ""};
  refuse_unsupported_metadata(meta, wm);
  read_metadata_fields(meta, wm, info);
  reconstruct_strategy(meta, wm, info, info.strategy);
  read_config(dir / "config.json", info.strategy);
  detail::validate_strategy(info.strategy, meta_path.string(), false);
  info.input_size = read_input_size(dir / "features.json", info, meta_path.string(), info.strategy.warnings);
  info.num_outputs = output_count(info);
  return info;
}

}  // namespace ktrdr::config
