// Helpers shared by the model tests (no torch headers here: tests see only ktrdr/model/model.h).
#pragma once

#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ktrdr/common/error.h"
#include "ktrdr/model/model.h"
#include "support/errors.h"
#include "support/files.h"
#include "support/json.h"

namespace ktrdr::model::test {

inline std::string fixture(const std::string& name) {
  return std::string(KTRDR_MODEL_FIXTURES) + "/" + name;
}
inline std::string golden(const std::string& rel) {
  return std::string(KTRDR_TEST_DATA) + "/golden/" + rel;
}

using ktrdr::test::error_of;  // tests/support/errors.h
using ktrdr::test::read_json;  // tests/support/json.h
using ktrdr::test::read_text;

inline const nlohmann::json& expected_fixtures() {
  static const nlohmann::json j = read_json(fixture("expected.json"));
  return j.at("fixtures");
}

// ModelSpec from a fixture's "architecture" object (scripts/make_test_models.py).
inline ModelSpec spec_from_fixture(const nlohmann::json& fx) {
  ModelSpec s;
  const auto& a = fx.at("architecture");
  const std::string type = a.at("type");
  if (type == "mlp") {
    s.architecture.type = config::ModelType::kMlp;
    s.architecture.hidden_layers = a.at("hidden_layers").get<std::vector<int>>();
    const std::string act = a.at("activation");
    s.architecture.activation = act == "tanh"         ? config::Activation::kTanh
                                : act == "sigmoid"    ? config::Activation::kSigmoid
                                : act == "leaky_relu" ? config::Activation::kLeakyRelu
                                                      : config::Activation::kRelu;
  } else {
    s.architecture.type = type == "lstm" ? config::ModelType::kLstm : config::ModelType::kGru;
    s.architecture.hidden_size = a.at("hidden_size");
    s.architecture.num_layers = a.at("num_layers");
  }
  s.input_size = fx.at("input_size");
  s.num_outputs = fx.at("num_outputs");
  s.sequence_length = fx.at("sequence_length");
  s.architecture.sequence_length = s.sequence_length;
  return s;
}

inline std::vector<float> rows_from_fixture(const nlohmann::json& fx) {
  std::vector<float> rows;
  for (const auto& r : fx.at("rows"))
    for (const auto& v : r) rows.push_back(static_cast<float>(v.get<double>()));
  return rows;
}

// Index of the first maximum (numpy.argmax); -1 when any value is NaN.
inline int argmax(const float* v, int n) {
  int best = 0;
  for (int k = 0; k < n; ++k) {
    if (std::isnan(v[k])) return -1;
    if (v[k] > v[best]) best = k;
  }
  return best;
}

// Writes `bytes` to a file in the build tree and returns its path.
inline std::string write_temp(const std::string& name, const std::string& bytes) {
  const std::string path = std::string(KTRDR_BINARY_DIR) + "/tests/model_tmp_" + name;
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  return path;
}

}  // namespace ktrdr::model::test
