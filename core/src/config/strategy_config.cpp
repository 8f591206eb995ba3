#include "ktrdr/config/strategy_config.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "config/strategy_parse.h"

namespace ktrdr::config {

const indicators::IndicatorSpec* StrategyConfig::find_indicator(const std::string& id) const {
  for (const auto& spec : indicators) {
    if (spec.id == id) return &spec;
  }
  return nullptr;
}

const fuzzy::FuzzySet* StrategyConfig::find_fuzzy_set(const std::string& id) const {
  for (const auto& set : fuzzy_sets) {
    if (set.id == id) return &set;
  }
  return nullptr;
}

namespace detail {

namespace {

std::vector<std::string> indicator_ids(const StrategyConfig& cfg) {
  std::vector<std::string> ids;
  for (const auto& spec : cfg.indicators) ids.push_back(spec.id);
  return ids;
}

// Checks an indicator reference "id" or "id.output" (split on the first '.') against the strategy.
void check_indicator_ref(const StrategyConfig& cfg, const std::string& ref, const Where& where) {
  const size_t dot = ref.find('.');
  const std::string id = ref.substr(0, dot);
  const indicators::IndicatorSpec* spec = cfg.find_indicator(id);
  if (spec == nullptr) {
    fail(where, fmt::format("'{}' is not an indicator (have: {})", id, join(indicator_ids(cfg))));
  }
  if (dot == std::string::npos) return;
  const std::string output = ref.substr(dot + 1);
  const std::string canonical = indicators::canonical_type(spec->type);
  const std::vector<std::string> outputs = indicators::output_names(canonical);
  if (outputs.empty()) {
    fail(where, fmt::format("'{}' uses dot notation but {} ({}) has a single output; write '{}'", ref, id,
                            spec->type, id));
  }
  if (std::find(outputs.begin(), outputs.end(), output) == outputs.end()) {
    fail(where, fmt::format("'{}': {} ({}) has no output '{}' (outputs: {})", ref, id, spec->type, output,
                            join(outputs)));
  }
}

fuzzy::Membership parse_membership(const std::string& set_id, const std::string& name, const YAML::Node& node,
                                   const Where& where) {
  const std::string context = fmt::format("{}: fuzzy set {}, membership {}", where.origin, set_id, name);
  fuzzy::MembershipType type = fuzzy::MembershipType::kTriangular;
  std::vector<double> params;
  if (node.IsSequence()) {  // shorthand: any list means triangular (a wrong length fails below)
    params = as_double_list(node, where);
  } else if (node.IsMap()) {
    const YAML::Node type_node = child(node, "type");
    if (!type_node.IsDefined() || type_node.IsNull()) {
      fail(where / "type",
           "is missing (full form is {type: triangular|trapezoidal|gaussian, parameters: [...]})");
    }
    const std::string type_name = as_string(type_node, where / "type");
    const std::optional<fuzzy::MembershipType> parsed = fuzzy::parse_membership_type(type_name);
    if (!parsed) {
      fail(where / "type",
           fmt::format("unknown membership function type '{}'; valid types: triangular, "
                       "trapezoidal, gaussian (aliases triangularmf, trapezoidalmf, gaussianmf)",
                       type_name));
    }
    type = *parsed;
    params = as_double_list(child(node, "parameters"), where / "parameters");
  } else {
    fail(where, "expected [a, b, c] or {type, parameters}");
  }
  try {
    return fuzzy::Membership{name, fuzzy::MembershipFunction(type, std::move(params), context)};
  } catch (const Error& e) {
    const std::string text = e.what();
    if (text.rfind(where.origin, 0) == 0) throw;  // already names the file
    fail(where, text);
  }
}

}  // namespace

void parse_indicators(const YAML::Node& node, const Where& where, StrategyConfig& cfg) {
  if (!node.IsDefined() || node.IsNull())
    fail(where, "is missing (a mapping of indicator id -> {type, ...})");
  if (!node.IsMap()) fail(where, "expected a mapping of indicator id -> {type, parameters...}");
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string id = it->first.Scalar();
    const Where w = where / id;
    const YAML::Node def = it->second;
    if (!def.IsMap()) fail(w, "expected a mapping with `type` and parameters");
    if (cfg.find_indicator(id) != nullptr) fail(w, "defined twice");
    indicators::IndicatorSpec spec;
    spec.id = id;
    spec.type = as_string(child(def, "type"), w / "type");
    for (auto p = def.begin(); p != def.end(); ++p) {
      const std::string key = p->first.Scalar();
      if (key == "type") continue;
      if (key ==
          "data_source") {  // routes the indicator to external context data (docs/reference.md appendix B)
        cfg.has_context_data = true;
        continue;
      }
      spec.params.emplace_back(key, param_value(p->second, w / key));
    }
    cfg.indicators.push_back(std::move(spec));
  }
}

void parse_fuzzy_sets(const YAML::Node& node, const Where& where, StrategyConfig& cfg) {
  if (!node.IsDefined() || node.IsNull()) fail(where, "is missing (a mapping of fuzzy set id -> definition)");
  if (!node.IsMap()) fail(where, "expected a mapping of fuzzy set id -> {indicator, memberships...}");
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string id = it->first.Scalar();
    const Where w = where / id;
    const YAML::Node def = it->second;
    if (!def.IsMap()) fail(w, "expected a mapping with `indicator` and memberships");
    if (cfg.find_fuzzy_set(id) != nullptr) fail(w, "defined twice");
    fuzzy::FuzzySet set;
    set.id = id;
    set.indicator = as_string(child(def, "indicator"), w / "indicator");
    for (auto m = def.begin(); m != def.end(); ++m) {
      const std::string name = m->first.Scalar();
      if (name == "indicator") continue;
      set.memberships.push_back(parse_membership(id, name, m->second, w / name));
    }
    if (set.memberships.empty()) fail(w, "has no membership functions (add e.g. `low: [0, 25, 50]`)");
    cfg.fuzzy_sets.push_back(std::move(set));
  }
}

void parse_nn_inputs(const YAML::Node& node, const Where& where, StrategyConfig& cfg) {
  if (!node.IsDefined() || node.IsNull())
    fail(where, "is missing (a list of {fuzzy_set|raw_indicator, timeframes})");
  if (!node.IsSequence()) fail(where, "expected a list of {fuzzy_set|raw_indicator, timeframes}");
  for (size_t i = 0; i < node.size(); ++i) {
    const YAML::Node def = node[i];
    const Where w = where.at(i);
    if (!def.IsMap()) fail(w, "expected a mapping {fuzzy_set|raw_indicator, timeframes}");
    NNInput input;
    const bool has_fuzzy = has(def, "fuzzy_set");
    const bool has_raw = has(def, "raw_indicator");
    if (has_fuzzy == has_raw) fail(w, "give exactly one of `fuzzy_set` and `raw_indicator`");
    if (has_fuzzy) input.fuzzy_set = as_string(child(def, "fuzzy_set"), w / "fuzzy_set");
    if (has_raw) input.raw_indicator = as_string(child(def, "raw_indicator"), w / "raw_indicator");
    const YAML::Node tfs = child(def, "timeframes");
    if (!tfs.IsDefined() || tfs.IsNull()) fail(w / "timeframes", "is missing (a list or \"all\")");
    if (tfs.IsScalar()) {
      if (tfs.Scalar() != "all")
        fail(w / "timeframes", "expected a list or \"all\", got '" + tfs.Scalar() + "'");
      input.all_timeframes = true;
    } else {
      input.timeframes = as_string_list(tfs, w / "timeframes");
      if (input.timeframes.empty()) fail(w / "timeframes", "is empty");
    }
    if (has(def, "normalization")) {
      if (!has_raw) fail(w / "normalization", "is only allowed with `raw_indicator`");
      input.normalization = as_string(child(def, "normalization"), w / "normalization");
      if (input.normalization != "minmax" && input.normalization != "zscore" &&
          input.normalization != "none") {
        fail(w / "normalization", "must be minmax, zscore, none or null, got '" + input.normalization + "'");
      }
    }
    cfg.nn_inputs.push_back(std::move(input));
  }
}

DecisionConfig parse_decisions(const YAML::Node& node, const Where& where, const YAML::Node& training,
                               std::vector<std::string>& warnings) {
  DecisionConfig d;
  if (!node.IsDefined() || node.IsNull()) return d;
  if (!node.IsMap()) fail(where, "expected a mapping");
  if (has(node, "output_format")) {
    const std::string f = as_string(child(node, "output_format"), where / "output_format");
    if (f == "classification") {
      d.output_format = OutputFormat::kClassification;
    } else if (f == "regression") {
      d.output_format = OutputFormat::kRegression;
    } else {
      fail(where / "output_format", "must be classification or regression, got '" + f + "'");
    }
  }
  if (has(node, "confidence_threshold")) {
    d.confidence_threshold = as_double(child(node, "confidence_threshold"), where / "confidence_threshold");
    if (d.output_format == OutputFormat::kRegression) {
      warnings.push_back(where.str() + ": confidence_threshold is ignored for regression models");
    }
  }
  const YAML::Node filters = child(node, "filters");
  if (has(filters, "min_signal_separation")) {
    d.min_signal_separation_hours =
        as_double(child(filters, "min_signal_separation"), where / "filters" / "min_signal_separation");
  }
  if (has(node, "position_awareness")) {
    d.position_awareness = as_bool(child(node, "position_awareness"), where / "position_awareness");
  }
  if (has(node, "allow_short_from_flat")) {
    d.allow_short_from_flat = as_bool(child(node, "allow_short_from_flat"), where / "allow_short_from_flat");
  }
  const YAML::Node cost = child(node, "cost_model");
  if (has(cost, "round_trip_cost")) {
    d.round_trip_cost = as_double(child(cost, "round_trip_cost"), where / "cost_model" / "round_trip_cost");
  }
  if (has(cost, "min_edge_multiplier")) {
    d.min_edge_multiplier =
        as_double(child(cost, "min_edge_multiplier"), where / "cost_model" / "min_edge_multiplier");
  }
  if (d.output_format == OutputFormat::kRegression) {
    if (!(d.round_trip_cost > 0)) {
      fail(where / "cost_model" / "round_trip_cost",
           fmt::format("must be > 0 for regression (got {})", d.round_trip_cost));
    }
    if (!(d.min_edge_multiplier > 0)) {
      fail(where / "cost_model" / "min_edge_multiplier",
           fmt::format("must be > 0 for regression (got {})", d.min_edge_multiplier));
    }
    if (has(training, "loss")) {
      const std::string loss = as_string(child(training, "loss"), {where.origin, "training.loss"});
      if (loss != "huber" && loss != "mse") {
        fail({where.origin, "training.loss"}, "must be huber or mse for regression, got '" + loss + "'");
      }
    }
  }
  return d;
}

ModelArchitecture parse_model(const YAML::Node& node, const Where& where,
                              std::vector<std::string>& warnings) {
  ModelArchitecture m;
  if (!node.IsDefined() || node.IsNull()) return m;
  if (!node.IsMap()) fail(where, "expected a mapping");
  if (has(node, "type")) {
    const std::string t = lower(as_string(child(node, "type"), where / "type"));
    if (t == "mlp") {
      m.type = ModelType::kMlp;
    } else if (t == "lstm") {
      m.type = ModelType::kLstm;
    } else if (t == "gru") {
      m.type = ModelType::kGru;
    } else {
      fail(where / "type", "unknown model type '" + t + "' (have: mlp, lstm, gru)");
    }
  }
  if (has(node, "output_format")) {  // injected by training for regression models (docs/reference.md §1.5)
    const std::string f = as_string(child(node, "output_format"), where / "output_format");
    if (f == "regression") m.output_format = OutputFormat::kRegression;
  }
  if (has(node, "num_classes")) m.num_classes = as_int(child(node, "num_classes"), where / "num_classes");
  const YAML::Node arch = child(node, "architecture");
  const Where wa = where / "architecture";
  if (!arch.IsDefined() || arch.IsNull()) return m;
  if (!arch.IsMap()) fail(wa, "expected a mapping");
  if (has(arch, "num_classes")) m.num_classes = as_int(child(arch, "num_classes"), wa / "num_classes");
  if (has(arch, "dropout")) m.dropout = as_double(child(arch, "dropout"), wa / "dropout");
  if (m.type == ModelType::kMlp) {
    if (!has(arch, "hidden_layers"))
      fail(wa / "hidden_layers", "is required for an mlp model (e.g. [64, 32])");
    m.hidden_layers = as_int_list(child(arch, "hidden_layers"), wa / "hidden_layers");
    for (size_t i = 0; i < m.hidden_layers.size(); ++i) {
      if (m.hidden_layers[i] <= 0) fail(wa / "hidden_layers", "sizes must be > 0");
    }
    if (has(arch, "activation")) {
      const std::string a = lower(as_string(child(arch, "activation"), wa / "activation"));
      if (a == "relu") {
        m.activation = Activation::kRelu;
      } else if (a == "tanh") {
        m.activation = Activation::kTanh;
      } else if (a == "sigmoid") {
        m.activation = Activation::kSigmoid;
      } else if (a == "leaky_relu") {
        m.activation = Activation::kLeakyRelu;
      } else {  // the reference falls back to ReLU
        warnings.push_back(fmt::format("{}: unknown activation '{}', using relu as the reference does",
                                       (wa / "activation").str(), a));
      }
    }
  } else {
    if (!has(arch, "sequence_length")) {
      fail(wa / "sequence_length", "is required for lstm/gru models");
    }
    m.sequence_length = as_int(child(arch, "sequence_length"), wa / "sequence_length");
    if (m.sequence_length < 1) fail(wa / "sequence_length", "must be >= 1");
    if (has(arch, "hidden_size")) m.hidden_size = as_int(child(arch, "hidden_size"), wa / "hidden_size");
    if (has(arch, "num_layers")) m.num_layers = as_int(child(arch, "num_layers"), wa / "num_layers");
  }
  return m;
}

void validate_strategy(StrategyConfig& cfg, const std::string& origin, bool strict) {
  const Where root{origin, ""};
  // Indicator types and parameters.
  for (const auto& spec : cfg.indicators) {
    std::vector<std::string> found;
    try {
      indicators::validate_indicator(spec, &found, strict);
    } catch (const Error& e) {
      fail(root / "indicators" / spec.id, e.what());
    }
    for (const auto& w : found)
      cfg.warnings.push_back(fmt::format("{}: indicators.{}: {}", origin, spec.id, w));
  }
  std::set<std::string> used;
  for (const auto& set : cfg.fuzzy_sets) {
    check_indicator_ref(cfg, set.indicator, root / "fuzzy_sets" / set.id / "indicator");
    used.insert(set.indicator.substr(0, set.indicator.find('.')));
  }
  for (size_t i = 0; i < cfg.nn_inputs.size(); ++i) {
    const NNInput& input = cfg.nn_inputs[i];
    const Where w = (root / "nn_inputs").at(i);
    if (!input.fuzzy_set.empty() && cfg.find_fuzzy_set(input.fuzzy_set) == nullptr) {
      std::vector<std::string> ids;
      for (const auto& set : cfg.fuzzy_sets) ids.push_back(set.id);
      fail(w / "fuzzy_set", fmt::format("'{}' is not a fuzzy set (have: {})", input.fuzzy_set, join(ids)));
    }
    if (!input.raw_indicator.empty()) {
      check_indicator_ref(cfg, input.raw_indicator, w / "raw_indicator");
      used.insert(input.raw_indicator.substr(0, input.raw_indicator.find('.')));
    }
    for (const auto& tf : input.timeframes) {
      if (std::find(cfg.timeframes.begin(), cfg.timeframes.end(), tf) == cfg.timeframes.end()) {
        fail(w / "timeframes",
             fmt::format("'{}' is not a training timeframe (have: {})", tf, join(cfg.timeframes)));
      }
    }
  }
  for (const auto& spec : cfg.indicators) {
    if (used.count(spec.id) == 0) {
      cfg.warnings.push_back(
          fmt::format("{}: indicators.{}: not used by any fuzzy set or nn_input", origin, spec.id));
    }
  }
}

}  // namespace detail

namespace {

using detail::as_string;
using detail::child;
using detail::fail;
using detail::has;
using detail::Where;

void parse_training_data(const YAML::Node& node, const Where& where, StrategyConfig& cfg) {
  if (!node.IsDefined() || node.IsNull()) fail(where, "is missing (symbols and timeframes)");
  if (!node.IsMap()) fail(where, "expected a mapping with `symbols` and `timeframes`");

  const YAML::Node symbols = child(node, "symbols");
  const Where ws = where / "symbols";
  if (!symbols.IsDefined() || symbols.IsNull()) fail(ws, "is missing ({mode: single, symbol: EURUSD})");
  if (!symbols.IsMap()) fail(ws, "expected a mapping {mode, symbol | list}");
  for (const char* key : {"list", "symbols"}) {
    if (has(symbols, key)) cfg.symbols = detail::as_string_list(child(symbols, key), ws / key);
  }
  if (cfg.symbols.empty() && has(symbols, "symbol"))
    cfg.symbols = {as_string(child(symbols, "symbol"), ws / "symbol")};
  if (has(symbols, "mode")) {
    const std::string mode = as_string(child(symbols, "mode"), ws / "mode");
    if (mode != "single" && mode != "multi_symbol")
      fail(ws / "mode", "must be single or multi_symbol, got '" + mode + "'");
  }

  const YAML::Node tfs = child(node, "timeframes");
  const Where wt = where / "timeframes";
  if (!tfs.IsDefined() || tfs.IsNull()) fail(wt, "is missing ({mode: single, timeframe: 1h})");
  if (!tfs.IsMap()) fail(wt, "expected a mapping {mode, timeframe | list, base_timeframe}");
  for (const char* key : {"list", "timeframes"}) {
    if (has(tfs, key)) cfg.timeframes = detail::as_string_list(child(tfs, key), wt / key);
  }
  if (cfg.timeframes.empty() && has(tfs, "timeframe")) {
    cfg.timeframes = {as_string(child(tfs, "timeframe"), wt / "timeframe")};
  }
  if (cfg.timeframes.empty()) fail(wt, "needs `timeframe` or a non-empty `list`");
  std::string mode = "single";
  if (has(tfs, "mode")) {
    mode = as_string(child(tfs, "mode"), wt / "mode");
    if (mode != "single" && mode != "multi_timeframe") {
      fail(wt / "mode", "must be single or multi_timeframe, got '" + mode + "'");
    }
  }
  cfg.multi_timeframe = mode == "multi_timeframe";
  if (cfg.multi_timeframe && cfg.timeframes.size() < 2) {
    fail(wt,
         fmt::format("multi_timeframe needs at least 2 timeframes (got {})", detail::join(cfg.timeframes)));
  }
  if (has(tfs, "base_timeframe")) {
    cfg.base_timeframe = as_string(child(tfs, "base_timeframe"), wt / "base_timeframe");
    if (std::find(cfg.timeframes.begin(), cfg.timeframes.end(), cfg.base_timeframe) == cfg.timeframes.end()) {
      // The reference's validator for this never fires (as-is); we warn.
      cfg.warnings.push_back(fmt::format("{}: base_timeframe '{}' is not in the timeframes ({})", wt.str(),
                                         cfg.base_timeframe, detail::join(cfg.timeframes)));
    }
  }
  if (has(node, "history_required")) {
    const int h = detail::as_int(child(node, "history_required"), where / "history_required");
    if (h < 50) fail(where / "history_required", fmt::format("must be >= 50 (got {})", h));
  }
}

}  // namespace

StrategyConfig parse_strategy_yaml(const std::string& text, const std::string& origin, bool strict) {
  const YAML::Node root = detail::parse_document(text, origin);
  const Where w{origin, ""};
  if (!root.IsMap()) fail(w, "expected a mapping at the top level (name, training_data, indicators, ...)");
  StrategyConfig cfg;
  cfg.name = as_string(child(root, "name"), w / "name");
  if (has(root, "description")) cfg.description = as_string(child(root, "description"), w / "description");
  if (has(root, "version")) cfg.version = as_string(child(root, "version"), w / "version");
  parse_training_data(child(root, "training_data"), w / "training_data", cfg);
  if (has(root, "context_data")) cfg.has_context_data = true;
  const bool uses_data_source_before = cfg.has_context_data;
  detail::parse_indicators(child(root, "indicators"), w / "indicators", cfg);
  if (!uses_data_source_before && cfg.has_context_data) {
    fail(w / "indicators", "an indicator uses `data_source` but the strategy has no `context_data`");
  }
  detail::parse_fuzzy_sets(child(root, "fuzzy_sets"), w / "fuzzy_sets", cfg);
  detail::parse_nn_inputs(child(root, "nn_inputs"), w / "nn_inputs", cfg);
  for (const char* key : {"model", "decisions", "training"}) {
    if (!has(root, key)) {
      const std::string msg = fmt::format("{}: {}: missing (required by the v3 schema)", origin, key);
      if (strict) throw Error(msg);
      cfg.warnings.push_back(msg);
    }
  }
  cfg.model = detail::parse_model(child(root, "model"), w / "model", cfg.warnings);
  cfg.decisions = detail::parse_decisions(child(root, "decisions"), w / "decisions", child(root, "training"),
                                          cfg.warnings);
  detail::validate_strategy(cfg, origin, strict);
  return cfg;
}

StrategyConfig load_strategy_yaml(const std::string& path, bool strict) {
  std::ifstream in(path, std::ios::binary);
  KTRDR_REQUIRE(in.good(), "{}: cannot open strategy file", path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_strategy_yaml(text.str(), path, strict);
}

}  // namespace ktrdr::config
