// Strategy YAML v3 parsing and validation (docs/reference.md §1).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "ktrdr/common/error.h"
#include "ktrdr/config/strategy_config.h"
#include "test_util.h"

using ktrdr::config::parse_strategy_yaml;
using ktrdr::indicators::ParamValue;

namespace {

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const size_t pos = text.find(from);
  REQUIRE_MESSAGE(pos != std::string::npos, "test setup: '" << from << "' not in text");
  return text.replace(pos, from.size(), to);
}

std::string error_of(const std::string& yaml, bool strict = false) {
  try {
    parse_strategy_yaml(yaml, "strategy.yaml", strict);
  } catch (const ktrdr::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("the reference example strategy parses with every section") {
  const auto cfg = parse_strategy_yaml(ktrdr::test::kDemoStrategy, "demo.yaml");
  CHECK(cfg.name == "demo_rsi_adx");
  CHECK(cfg.version == "3.0");
  CHECK(cfg.symbols == std::vector<std::string>{"EURUSD"});
  CHECK(cfg.timeframes == std::vector<std::string>{"1h", "4h"});
  CHECK(cfg.base_timeframe == "1h");
  CHECK(cfg.multi_timeframe);
  CHECK_FALSE(cfg.has_context_data);

  REQUIRE(cfg.indicators.size() == 2);
  CHECK(cfg.indicators[0].id == "rsi_14");
  CHECK(cfg.indicators[0].type == "rsi");
  REQUIRE(cfg.indicators[0].params.size() == 1);
  CHECK(cfg.indicators[0].params[0].first == "period");
  CHECK(cfg.indicators[0].params[0].second.kind == ParamValue::Kind::kInt);
  CHECK(cfg.indicators[0].params[0].second.number == 14);
  CHECK(cfg.indicators[1].id == "adx_14");

  REQUIRE(cfg.fuzzy_sets.size() == 2);
  const auto& rsi_zone = cfg.fuzzy_sets[0];
  CHECK(rsi_zone.id == "rsi_zone");
  CHECK(rsi_zone.indicator == "rsi_14");
  REQUIRE(rsi_zone.memberships.size() == 2);
  CHECK(rsi_zone.memberships[0].name == "oversold");  // shorthand -> triangular
  CHECK(rsi_zone.memberships[0].function.type() == ktrdr::fuzzy::MembershipType::kTriangular);
  CHECK(rsi_zone.memberships[0].function.params() == std::vector<double>{0, 25, 40});
  CHECK(rsi_zone.memberships[1].name == "overbought");  // full form
  CHECK(rsi_zone.memberships[1].function.type() == ktrdr::fuzzy::MembershipType::kTriangular);
  CHECK(rsi_zone.memberships[1].function.params() == std::vector<double>{60, 75, 100});
  const auto& trend = cfg.fuzzy_sets[1];
  CHECK(trend.indicator == "adx_14.adx");
  CHECK(trend.memberships[0].function.type() == ktrdr::fuzzy::MembershipType::kGaussian);
  CHECK(trend.memberships[1].function.params() == std::vector<double>{40, 12});
  CHECK(cfg.find_fuzzy_set("trend") == &cfg.fuzzy_sets[1]);
  CHECK(cfg.find_indicator("adx_14") == &cfg.indicators[1]);
  CHECK(cfg.find_indicator("adx") == nullptr);

  REQUIRE(cfg.nn_inputs.size() == 3);
  CHECK(cfg.nn_inputs[0].fuzzy_set == "rsi_zone");
  CHECK(cfg.nn_inputs[0].all_timeframes);
  CHECK(cfg.nn_inputs[1].timeframes == std::vector<std::string>{"1h"});
  CHECK_FALSE(cfg.nn_inputs[1].all_timeframes);
  CHECK(cfg.nn_inputs[2].raw_indicator == "adx_14.adx");
  CHECK(cfg.nn_inputs[2].normalization == "minmax");

  CHECK(cfg.model.type == ktrdr::config::ModelType::kMlp);
  CHECK(cfg.model.hidden_layers == std::vector<int>{32, 16});
  CHECK(cfg.model.activation == ktrdr::config::Activation::kRelu);
  CHECK(cfg.model.dropout == 0.2);
  CHECK(cfg.decisions.output_format == ktrdr::config::OutputFormat::kClassification);
  CHECK(cfg.decisions.confidence_threshold == 0.6);
  CHECK(cfg.decisions.min_signal_separation_hours == 4.0);
  CHECK(cfg.decisions.position_awareness);
  CHECK_FALSE(cfg.decisions.allow_short_from_flat);
  CHECK(cfg.warnings.empty());
}

TEST_CASE("indicator parameters keep int / float / bool / string from the scalar text") {
  std::string yaml =
      replace(ktrdr::test::kDemoStrategy, "  rsi_14: {type: rsi, period: 14}",
              "  rsi_14: {type: rsi, period: 14, source: close}\n"
              "  ema_9: {type: ema, period: 9, adjust: true, label: '9', scale: -2, eps: 1e-3, "
              "ratio: 14.0}");
  const auto cfg = parse_strategy_yaml(yaml, "s.yaml");
  const auto& rsi = *cfg.find_indicator("rsi_14");
  CHECK(rsi.params[0].second.kind == ParamValue::Kind::kInt);
  CHECK(rsi.params[1].second.kind == ParamValue::Kind::kString);
  CHECK(rsi.params[1].second.text == "close");
  const auto& ema = *cfg.find_indicator("ema_9");
  REQUIRE(ema.params.size() == 6);
  CHECK(ema.params[0].second.kind == ParamValue::Kind::kInt);
  CHECK(ema.params[0].second.number == 9);
  CHECK(ema.params[1].second.kind == ParamValue::Kind::kBool);
  CHECK(ema.params[1].second.boolean);
  CHECK(ema.params[2].second.kind == ParamValue::Kind::kString);  // quoted: a string, as pydantic sees it
  CHECK(ema.params[2].second.text == "9");
  CHECK(ema.params[3].second.kind == ParamValue::Kind::kInt);
  CHECK(ema.params[3].second.number == -2);
  CHECK(ema.params[4].second.kind == ParamValue::Kind::kFloat);
  CHECK(ema.params[4].second.number == 1e-3);
  CHECK(ema.params[5].second.kind == ParamValue::Kind::kFloat);
  CHECK(ema.params[5].second.number == 14.0);
  // ema_9 is not referenced: a warning, not an error (as are its unknown parameters)
  CHECK(std::count_if(cfg.warnings.begin(), cfg.warnings.end(), [](const std::string& w) {
          return w == "s.yaml: indicators.ema_9: not used by any fuzzy set or nn_input";
        }) == 1);
  // the reference rejects a float for a strict-int parameter
  const std::string float_period =
      error_of(replace(ktrdr::test::kDemoStrategy, "{type: rsi, period: 14}", "{type: rsi, period: 14.0}"));
  CHECK(float_period.find("strategy.yaml: indicators.rsi_14: ") == 0);
  CHECK(float_period.find("period") != std::string::npos);
}

TEST_CASE("mapping order is the file order, not alphabetical") {
  const std::string yaml = R"(name: order
training_data:
  symbols: {mode: multi_symbol, list: [ZZZ, AAA]}
  timeframes: {mode: multi_timeframe, timeframes: [4h, 1h, 1d], base_timeframe: 1h}
indicators:
  zeta: {type: rsi, period: 7}
  alpha: {type: rsi, period: 21}
fuzzy_sets:
  zz: {indicator: zeta, z2: [0, 1, 2], a1: [1, 2, 3], m: [2, 3, 4]}
  aa: {indicator: alpha, x: [0, 50, 100]}
nn_inputs:
  - {fuzzy_set: zz, timeframes: [1d, 4h]}
  - {fuzzy_set: aa, timeframes: all}
model: {type: mlp, architecture: {hidden_layers: [8]}}
decisions: {}
training: {}
)";
  const auto cfg = parse_strategy_yaml(yaml, "order.yaml");
  CHECK(cfg.symbols == std::vector<std::string>{"ZZZ", "AAA"});
  CHECK(cfg.timeframes == std::vector<std::string>{"4h", "1h", "1d"});
  CHECK(cfg.indicators[0].id == "zeta");
  CHECK(cfg.indicators[1].id == "alpha");
  CHECK(cfg.fuzzy_sets[0].id == "zz");
  CHECK(cfg.fuzzy_sets[0].memberships[0].name == "z2");
  CHECK(cfg.fuzzy_sets[0].memberships[1].name == "a1");
  CHECK(cfg.fuzzy_sets[0].memberships[2].name == "m");
  CHECK(cfg.nn_inputs[0].timeframes == std::vector<std::string>{"1d", "4h"});
  // decisions present but empty: the docs/reference.md §1.4 defaults
  CHECK(cfg.decisions.confidence_threshold == 0.5);
  CHECK(cfg.decisions.min_signal_separation_hours == 4.0);
  CHECK(cfg.decisions.round_trip_cost == 0.003);
  CHECK(cfg.decisions.min_edge_multiplier == 1.5);
  CHECK(cfg.decisions.position_awareness);
  CHECK_FALSE(cfg.decisions.allow_short_from_flat);
}

TEST_CASE("JSON text parses the same way (config.json is a JSON dump of the YAML)") {
  const std::string json = R"({"name": "j", "training_data": {"symbols": {"mode": "single", "symbol": "X"},
    "timeframes": {"mode": "single", "timeframe": "5m"}},
    "indicators": {"rsi_14": {"type": "rsi", "period": 14}, "bbw": {"type": "bollingerbandwidth", "period": 20,
      "multiplier": 2.0}},
    "fuzzy_sets": {"r": {"indicator": "rsi_14", "lo": [0, 20, 40]}, "b": {"indicator": "bbw", "w": [0, 1, 2]}},
    "nn_inputs": [{"fuzzy_set": "r", "timeframes": "all"}, {"fuzzy_set": "b", "timeframes": ["5m"]}],
    "model": {"type": "lstm", "architecture": {"sequence_length": 10, "hidden_size": 32}},
    "decisions": {"output_format": "regression", "cost_model": {"round_trip_cost": 0.001}},
    "training": {"loss": "huber"}})";
  const auto cfg = parse_strategy_yaml(json, "config.json");
  CHECK(cfg.timeframes == std::vector<std::string>{"5m"});
  CHECK(cfg.base_timeframe.empty());
  CHECK_FALSE(cfg.multi_timeframe);
  const auto& bbw = *cfg.find_indicator("bbw");
  CHECK(bbw.params[0].second.kind == ParamValue::Kind::kInt);
  CHECK(bbw.params[1].second.kind == ParamValue::Kind::kFloat);
  CHECK(cfg.model.type == ktrdr::config::ModelType::kLstm);
  CHECK(cfg.model.sequence_length == 10);
  CHECK(cfg.model.hidden_size == 32);
  CHECK(cfg.model.num_layers == 2);
  CHECK(cfg.decisions.output_format == ktrdr::config::OutputFormat::kRegression);
  CHECK(cfg.decisions.round_trip_cost == 0.001);
}

TEST_CASE("validation errors name the file, the key and the problem") {
  const std::string demo = ktrdr::test::kDemoStrategy;
  CHECK(error_of(replace(demo, "indicator: rsi_14", "indicator: rsi_99")) ==
        "strategy.yaml: fuzzy_sets.rsi_zone.indicator: 'rsi_99' is not an indicator (have: rsi_14, adx_14)");
  CHECK(error_of(replace(demo, "indicator: adx_14.adx ", "indicator: adx_14.adxx ")) ==
        "strategy.yaml: fuzzy_sets.trend.indicator: 'adx_14.adxx': adx_14 (adx) has no output 'adxx' "
        "(outputs: adx, plus_di, minus_di)");
  CHECK(
      error_of(replace(demo, "indicator: rsi_14", "indicator: rsi_14.value")) ==
      "strategy.yaml: fuzzy_sets.rsi_zone.indicator: 'rsi_14.value' uses dot notation but rsi_14 (rsi) has a "
      "single output; write 'rsi_14'");
  CHECK(error_of(replace(demo, "raw_indicator: adx_14.adx", "raw_indicator: macd.line")) ==
        "strategy.yaml: nn_inputs[2].raw_indicator: 'macd' is not an indicator (have: rsi_14, adx_14)");
  CHECK(error_of(replace(demo, "- fuzzy_set: trend", "- fuzzy_set: trends")) ==
        "strategy.yaml: nn_inputs[1].fuzzy_set: 'trends' is not a fuzzy set (have: rsi_zone, trend)");
  CHECK(error_of(replace(demo, "timeframes: [\"1h\"]\n    normalization",
                         "timeframes: [\"1d\"]\n    normalization")) ==
        "strategy.yaml: nn_inputs[2].timeframes: '1d' is not a training timeframe (have: 1h, 4h)");
  CHECK(error_of(
            replace(demo, "  - fuzzy_set: trend\n", "  - fuzzy_set: trend\n    raw_indicator: rsi_14\n")) ==
        "strategy.yaml: nn_inputs[1]: give exactly one of `fuzzy_set` and `raw_indicator`");
  CHECK(error_of(
            replace(demo, "  - fuzzy_set: trend\n", "  - fuzzy_set: trend\n    normalization: minmax\n")) ==
        "strategy.yaml: nn_inputs[1].normalization: is only allowed with `raw_indicator`");
  CHECK(error_of(replace(demo, "normalization: minmax", "normalization: robust")) ==
        "strategy.yaml: nn_inputs[2].normalization: must be minmax, zscore, none or null, got 'robust'");
  CHECK(error_of(replace(demo, "    timeframes: all\n", "")) ==
        "strategy.yaml: nn_inputs[0].timeframes: is missing (a list or \"all\")");
  CHECK(error_of(replace(demo, "output_format: classification", "output_format: ranking")) ==
        "strategy.yaml: decisions.output_format: must be classification or regression, got 'ranking'");
  CHECK(error_of(replace(demo, "output_format: classification",
                         "output_format: regression\n  cost_model: {round_trip_cost: 0}")) ==
        "strategy.yaml: decisions.cost_model.round_trip_cost: must be > 0 for regression (got 0)");
  CHECK(error_of(replace(replace(demo, "output_format: classification", "output_format: regression"),
                         "epochs: 50", "epochs: 50\n  loss: cross_entropy")) ==
        "strategy.yaml: training.loss: must be huber or mse for regression, got 'cross_entropy'");
  CHECK(error_of(
            replace(demo, "{type: triangular, parameters: [60, 75, 100]}", "{parameters: [60, 75, 100]}")) ==
        "strategy.yaml: fuzzy_sets.rsi_zone.overbought.type: is missing (full form is {type: "
        "triangular|trapezoidal|gaussian, parameters: [...]})");
  CHECK(error_of(replace(demo,
                         "    weak: {type: gaussian, parameters: [15, 10]}\n    strong: {type: gaussian, "
                         "parameters: [40, 12]}\n",
                         "")) ==
        "strategy.yaml: fuzzy_sets.trend: has no membership functions (add e.g. `low: [0, 25, 50]`)");
  CHECK(error_of(replace(demo, "list: [\"1h\", \"4h\"]", "list: [\"1h\"]")) ==
        "strategy.yaml: training_data.timeframes: multi_timeframe needs at least 2 timeframes (got 1h)");
  CHECK(error_of(replace(demo, "history_required: 100", "history_required: 10")) ==
        "strategy.yaml: training_data.history_required: must be >= 50 (got 10)");
  CHECK(error_of(replace(demo, "name: demo_rsi_adx\n", "")) == "strategy.yaml: name: is missing");
  CHECK(error_of(replace(demo, "oversold: [0, 25, 40]", "oversold: [0, low, 40]")) ==
        "strategy.yaml: fuzzy_sets.rsi_zone.oversold[1]: expected a number, got 'low'");
  CHECK(error_of(replace(demo, "type: mlp", "type: transformer")) ==
        "strategy.yaml: model.type: unknown model type 'transformer' (have: mlp, lstm, gru)");
  CHECK(error_of(replace(
            demo, "type: mlp\n  architecture: {hidden_layers: [32, 16], dropout: 0.2, activation: relu}",
            "type: lstm\n  architecture: {hidden_size: 16}")) ==
        "strategy.yaml: model.architecture.sequence_length: is required for lstm/gru models");
  CHECK(error_of(replace(demo, "  rsi_14: {type: rsi, period: 14}",
                         "  rsi_14: {type: rsi, period: 14, data_source: fred_rates}")) ==
        "strategy.yaml: indicators: an indicator uses `data_source` but the strategy has no `context_data`");
  CHECK(error_of("name: [unclosed").find("strategy.yaml:1:") == 0);
}

TEST_CASE("membership parameter problems are reported with the fuzzy set and membership") {
  const std::string demo = ktrdr::test::kDemoStrategy;
  // a shorthand list of the wrong length is triangular and fails the 3-parameter rule (docs/reference.md
  // §1.1)
  const std::string wrong_len = error_of(replace(demo, "oversold: [0, 25, 40]", "oversold: [0, 25, 40, 50]"));
  CHECK(wrong_len.find("strategy.yaml") == 0);
  CHECK(wrong_len.find("rsi_zone") != std::string::npos);
  CHECK(wrong_len.find("oversold") != std::string::npos);
  const std::string bad_type = error_of(
      replace(demo, "{type: gaussian, parameters: [15, 10]}", "{type: sigmoid, parameters: [15, 10]}"));
  CHECK(bad_type.find("strategy.yaml: fuzzy_sets.trend.weak.type: ") == 0);
  CHECK(bad_type.find("sigmoid") != std::string::npos);
}

TEST_CASE("indicator parameter checks come from the indicator registry") {
  const std::string demo = ktrdr::test::kDemoStrategy;
  const std::string unknown = error_of(replace(demo, "{type: rsi, period: 14}", "{type: rsx, period: 14}"));
  CHECK(unknown.find("strategy.yaml: indicators.rsi_14: ") == 0);
  CHECK(unknown.find("rsx") != std::string::npos);
  // an unknown parameter is a warning, and an error under --strict
  const std::string extra = replace(demo, "{type: rsi, period: 14}", "{type: rsi, period: 14, smoothing: 3}");
  const auto cfg = parse_strategy_yaml(extra, "strategy.yaml");
  REQUIRE(cfg.warnings.size() == 1);
  CHECK(cfg.warnings[0].find("strategy.yaml: indicators.rsi_14: ") == 0);
  CHECK(cfg.warnings[0].find("smoothing") != std::string::npos);
  const std::string strict = error_of(extra, true);
  CHECK(strict.find("strategy.yaml: indicators.rsi_14: ") == 0);
  CHECK(strict.find("smoothing") != std::string::npos);
}

TEST_CASE("training_data accepts `timeframe`, `list` and `timeframes`, and single mode with a list") {
  const std::string demo = ktrdr::test::kDemoStrategy;
  const auto single_list = parse_strategy_yaml(
      replace(replace(demo, "{mode: multi_timeframe, list: [\"1h\", \"4h\"], base_timeframe: \"1h\"}",
                      "{mode: single, list: [\"1h\"]}"),
              "timeframes: all", "timeframes: [\"1h\"]"),
      "s.yaml");
  CHECK(single_list.timeframes == std::vector<std::string>{"1h"});
  CHECK_FALSE(single_list.multi_timeframe);
  const auto single = parse_strategy_yaml(
      replace(demo, "{mode: multi_timeframe, list: [\"1h\", \"4h\"], base_timeframe: \"1h\"}",
              "{mode: single, timeframe: 1h}"),
      "s.yaml");
  CHECK(single.timeframes == std::vector<std::string>{"1h"});
  const auto missing_model =
      parse_strategy_yaml(replace(demo,
                                  "model:\n  type: mlp\n  architecture: "
                                  "{hidden_layers: [32, 16], dropout: 0.2, activation: relu}\n",
                                  ""),
                          "s.yaml");
  REQUIRE(missing_model.warnings.size() == 1);
  CHECK(missing_model.warnings[0] == "s.yaml: model: missing (required by the v3 schema)");
  CHECK(missing_model.model.hidden_layers == std::vector<int>{64, 32});
}
