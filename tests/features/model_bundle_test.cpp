// Model directories (docs/reference.md §5.1-5.3): metadata_v3.json + config.json + features.json.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "ktrdr/common/error.h"
#include "ktrdr/config/model_bundle.h"
#include "ktrdr/features/feature_frame.h"
#include "support/json.h"
#include "test_util.h"

using namespace ktrdr;
using json = nlohmann::ordered_json;

namespace {

const std::string kGolden = std::string(KTRDR_TEST_DATA) + "/golden";

// A copy of a golden model directory whose JSON files can be edited.
struct ModelCopy {
  test::TempDir dir;
  json meta, config, features;
  explicit ModelCopy(const std::string& name, const std::string& golden_case = "v1_bench12")
      : dir("ktrdr-features-" + name) {
    meta = test::read_json<json>(kGolden + "/" + golden_case + "/model/metadata_v3.json");
    config = test::read_json<json>(kGolden + "/" + golden_case + "/model/config.json");
    features = test::read_json<json>(kGolden + "/" + golden_case + "/model/features.json");
  }
  std::string save(bool with_config = true, bool with_features = true) const {
    test::write_text(dir / "metadata_v3.json", meta.dump(2));
    if (with_config) test::write_text(dir / "config.json", config.dump(2));
    if (with_features) test::write_text(dir / "features.json", features.dump(2));
    return dir.str();
  }
};

std::string load_error(const std::string& directory) {
  try {
    config::load_model_bundle(directory);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("golden v1_bench12 model directory") {
  const auto info = config::load_model_bundle(kGolden + "/v1_bench12/model");
  CHECK(info.model_name == "oracle_bench12");
  CHECK(info.strategy_name == "oracle_bench12");
  CHECK(info.weights_path == kGolden + "/v1_bench12/model/model.pt");
  REQUIRE(info.resolved_features.size() == 12);
  CHECK(info.resolved_features.front() == "1h_rsi_momentum_oversold");
  CHECK(info.resolved_features.back() == "1h_willr_overbought");
  CHECK(info.training_symbols == std::vector<std::string>{"SYNTH"});
  CHECK(info.training_timeframes == std::vector<std::string>{"1h"});
  CHECK(info.output_type == "classification");
  CHECK(info.model_type == config::ModelType::kMlp);
  CHECK(info.sequence_length == 1);
  CHECK(info.input_size == 12);
  CHECK(info.num_outputs == 3);
  CHECK(info.normalization_params.empty());

  const auto& s = info.strategy;
  CHECK(s.name == "oracle_bench12");
  CHECK(s.symbols == std::vector<std::string>{"SYNTH"});
  CHECK(s.timeframes == std::vector<std::string>{"1h"});
  CHECK(s.base_timeframe == "1h");
  CHECK_FALSE(s.multi_timeframe);
  REQUIRE(s.indicators.size() == 4);
  CHECK(s.indicators[2].id == "stoch_14");
  CHECK(s.indicators[2].type == "stochastic");
  REQUIRE(s.fuzzy_sets.size() == 4);
  CHECK(s.fuzzy_sets[1].id == "adx_trend");
  CHECK(s.fuzzy_sets[1].indicator == "adx_14.adx");
  CHECK(s.fuzzy_sets[1].memberships[1].function.type() == fuzzy::MembershipType::kTrapezoidal);
  CHECK(s.fuzzy_sets[1].memberships[2].function.params() == std::vector<double>{60, 15});
  CHECK(s.model.hidden_layers == std::vector<int>{32, 16});
  CHECK(s.model.activation == config::Activation::kRelu);
  CHECK(s.decisions.confidence_threshold == 0.36);
  CHECK(s.decisions.allow_short_from_flat);
  CHECK(s.decisions.min_signal_separation_hours == 4.0);
  CHECK(features::resolve_features(s) == info.resolved_features);
}

TEST_CASE("golden v2_macd_roc_raw model directory") {
  const auto info = config::load_model_bundle(kGolden + "/v2_macd_roc_raw/model");
  CHECK(info.input_size == 13);
  CHECK(info.resolved_features.back() == "1h_rsi_14_raw");
  const auto& s = info.strategy;
  CHECK(s.model.hidden_layers == std::vector<int>{24});
  CHECK(s.model.activation == config::Activation::kTanh);
  CHECK(s.model.dropout == 0.1);
  CHECK(s.decisions.confidence_threshold == 0.4);
  CHECK_FALSE(s.decisions.allow_short_from_flat);
  CHECK(s.decisions.min_signal_separation_hours == 2.0);
  const auto* bbw = s.find_indicator("bbw_20");
  REQUIRE(bbw != nullptr);
  CHECK(bbw->params[0].second.kind == indicators::ParamValue::Kind::kInt);
  CHECK(bbw->params[1].second.kind == indicators::ParamValue::Kind::kFloat);  // "multiplier": 2.0
  CHECK(s.nn_inputs[4].raw_indicator == "rsi_14");
  CHECK(s.nn_inputs[4].normalization == "none");
  CHECK(features::resolve_features(s) == info.resolved_features);
}

TEST_CASE("model directory errors name the file and the problem") {
  test::TempDir empty("ktrdr-features-empty");
  CHECK(load_error(empty.path().string()) == (empty.path() / "metadata_v3.json").string() +
                                                 ": missing; a v3 model directory needs metadata_v3.json "
                                                 "(plus config.json, features.json, model.pt)");
  CHECK(load_error((empty.path() / "nope").string()).find("does not exist") != std::string::npos);

  ModelCopy context("context");
  context.meta["context_data_config"] = json::array({{{"provider", "fred"}, {"series", "DGS10"}}});
  const std::string ctx = load_error(context.save());
  CHECK(ctx.find("metadata_v3.json: context_data_config: the model was trained with external context data") !=
        std::string::npos);

  ModelCopy ensemble("ensemble");
  test::write_text(ensemble.dir / "ensemble.yaml", "models: {}\n");
  CHECK(load_error(ensemble.save()).find("ensemble models are not supported") != std::string::npos);

  ModelCopy empty_features("nofeat");
  empty_features.meta["resolved_features"] = json::array();
  CHECK(load_error(empty_features.save()).find("metadata_v3.json: resolved_features: is empty") !=
        std::string::npos);

  ModelCopy bad_type("badtype");
  bad_type.meta["model_type"] = "transformer";
  CHECK(load_error(bad_type.save()).find("metadata_v3.json: model_type: unknown model type 'transformer'") !=
        std::string::npos);

  ModelCopy bad_ref("badref");
  bad_ref.meta["fuzzy_sets"]["willr"]["indicator"] = "willr_99";
  CHECK(load_error(bad_ref.save())
            .find("metadata_v3.json: fuzzy_sets.willr.indicator: 'willr_99' is not an "
                  "indicator (have: rsi_14, adx_14, stoch_14, willr_14)") != std::string::npos);
}

TEST_CASE("reconstruction: timeframes base first, outputs, temporal models, defaults") {
  SUBCASE("multi-timeframe: base = training_timeframes[0]") {
    ModelCopy m("multitf");
    m.meta["training_timeframes"] = json::array({"1h", "5m"});
    const auto info = config::load_model_bundle(m.save());
    CHECK(info.strategy.timeframes == std::vector<std::string>{"1h", "5m"});
    CHECK(info.strategy.base_timeframe == "1h");
    CHECK(info.strategy.multi_timeframe);
  }
  SUBCASE("no training timeframes: 1h") {
    ModelCopy m("notf");
    m.meta.erase("training_timeframes");
    const auto info = config::load_model_bundle(m.save());
    CHECK(info.strategy.timeframes == std::vector<std::string>{"1h"});
  }
  SUBCASE("regression: one output") {
    ModelCopy m("regr");
    m.meta["output_type"] = "regression";
    m.config["model"]["output_format"] = "regression";
    m.config["decisions"] = {{"output_format", "regression"}, {"cost_model", {{"round_trip_cost", 0.002}}}};
    const auto info = config::load_model_bundle(m.save());
    CHECK(info.num_outputs == 1);
    CHECK(info.strategy.decisions.output_format == config::OutputFormat::kRegression);
    CHECK(info.strategy.decisions.round_trip_cost == 0.002);
    CHECK(info.strategy.decisions.min_edge_multiplier == 1.5);
  }
  SUBCASE("regime classification: four outputs; explicit num_classes wins") {
    ModelCopy m("regime");
    m.meta["output_type"] = "regime_classification";
    CHECK(config::load_model_bundle(m.save()).num_outputs == 4);
    m.config["model"]["num_classes"] = 5;
    CHECK(config::load_model_bundle(m.save()).num_outputs == 5);
  }
  SUBCASE("lstm: sequence length from the metadata") {
    ModelCopy m("lstm");
    m.meta["model_type"] = "lstm";
    m.meta["sequence_length"] = 20;
    m.config["model"] = {{"type", "lstm"},
                         {"architecture", {{"sequence_length", 20}, {"hidden_size", 16}, {"num_layers", 1}}}};
    const auto info = config::load_model_bundle(m.save());
    CHECK(info.model_type == config::ModelType::kLstm);
    CHECK(info.sequence_length == 20);
    CHECK(info.strategy.model.type == config::ModelType::kLstm);
    CHECK(info.strategy.model.hidden_size == 16);
    CHECK(info.strategy.model.num_layers == 1);
    m.meta["sequence_length"] = nullptr;  // "sequence_length or 1"
    CHECK(config::load_model_bundle(m.save()).sequence_length == 1);
  }
  SUBCASE("no config.json / features.json: default model and decisions, input size from resolved_features") {
    ModelCopy m("defaults");
    const auto info = config::load_model_bundle(m.save(false, false));
    CHECK(info.input_size == 12);
    CHECK(info.strategy.model.type == config::ModelType::kMlp);
    CHECK(info.strategy.model.hidden_layers == std::vector<int>{64, 32});
    CHECK(info.strategy.decisions.confidence_threshold == 0.5);
    CHECK(info.strategy.decisions.output_format == config::OutputFormat::kClassification);
  }
  SUBCASE("model section without architecture: the default MLP (as the reference)") {
    ModelCopy m("noarch");
    m.config["model"] = {{"type", "mlp"}};
    CHECK(config::load_model_bundle(m.save()).strategy.model.hidden_layers == std::vector<int>{64, 32});
  }
  SUBCASE("feature_count wins over resolved_features for the input size") {
    ModelCopy m("count");
    m.features["feature_count"] = 11;
    const auto info = config::load_model_bundle(m.save());
    CHECK(info.input_size == 11);
    CHECK_FALSE(info.strategy.warnings.empty());
  }
  SUBCASE("normalization_params are read") {
    ModelCopy m("norm");
    m.meta["normalization_params"] = {
        {"1h_rsi_14_raw", {{"method", "minmax"}, {"min", 5.5}, {"max", 95}}},
        {"1h_adx_14.adx_raw", {{"method", "zscore"}, {"mean", 25}, {"std", 7.25}}}};
    const auto info = config::load_model_bundle(m.save());
    REQUIRE(info.normalization_params.size() == 2);
    const auto& mm = info.normalization_params.at("1h_rsi_14_raw");
    CHECK(mm.method == "minmax");
    CHECK(mm.min == 5.5);
    CHECK(mm.max == 95);
    const auto& z = info.normalization_params.at("1h_adx_14.adx_raw");
    CHECK(z.method == "zscore");
    CHECK(z.mean == 25);
    CHECK(z.std == 7.25);
  }
}
