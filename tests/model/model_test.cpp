// Model: architecture rebuild and outputs vs Python, strict key/shape checks, batched vs per-row inference,
// and parity with the golden cases' decisions. Each TEST_CASE is a process under ctest (~0.7 s of torch
// start-up), so related checks are grouped.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>

#include "ktrdr/common/thread_pool.h"
#include "model_test_util.h"

namespace ktrdr::model {
namespace {

using test::expected_fixtures;
using test::error_of;
using test::fixture;

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) || std::isnan(b[i])) {
      CHECK(std::isnan(a[i]) == std::isnan(b[i]));
      continue;
    }
    m = std::max(m, std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i])));
  }
  return m;
}

TEST_CASE("Model rebuilds MLP, LSTM and GRU (state_dict and TorchScript) and matches Python's outputs") {
  int checked = 0;
  for (const auto& [name, fx] : expected_fixtures().items()) {
    if (!fx.contains("outputs")) continue;
    CAPTURE(name);
    const ModelSpec spec = test::spec_from_fixture(fx);
    const Model m = Model::load(fixture(fx.at("file")), spec);
    CHECK(m.is_torchscript() == (name.find("script") != std::string::npos));
    CHECK(m.num_outputs() == spec.num_outputs);
    CHECK(m.sequence_length() == spec.sequence_length);
    const std::vector<float> rows = test::rows_from_fixture(fx);
    const size_t n = rows.size() / static_cast<size_t>(spec.input_size);
    const std::vector<float> per_row = m.predict_per_row(rows.data(), n);
    const std::vector<float> batched = m.predict(rows.data(), n, 4);  // several chunks
    const auto& want = fx.at("outputs");
    REQUIRE(want.size() == n);
    double max_diff = 0, per_row_diff = 0;
    for (size_t i = 0; i < n; ++i) {
      for (int c = 0; c < spec.num_outputs; ++c) {
        const size_t at = i * static_cast<size_t>(spec.num_outputs) + static_cast<size_t>(c);
        if (want[i].is_null()) {  // no full window yet
          CHECK(std::isnan(per_row[at]));
          CHECK(std::isnan(batched[at]));
          continue;
        }
        const double w = want[i][static_cast<size_t>(c)].get<double>();
        per_row_diff = std::max(per_row_diff, std::abs(per_row[at] - w));
        max_diff = std::max(max_diff, std::abs(batched[at] - w));
      }
    }
    CHECK(per_row_diff == 0.0);  // same libtorch kernels as Python's per-row forward: bit-identical
    CHECK(max_diff <= 1e-6);     // batched GEMM may round differently in the last bits
    ++checked;
  }
  CHECK(checked == 12);

  // float64 weights are converted to float32: same outputs as the float32 file
  const auto& fx = expected_fixtures().at("mlp_relu");
  const ModelSpec spec = test::spec_from_fixture(fx);
  const std::vector<float> rows = test::rows_from_fixture(fx);
  const auto a = Model::load(fixture("mlp_relu.pt"), spec).predict(rows.data(), 6);
  const auto b = Model::load(fixture("mlp_f64.pt"), spec).predict(rows.data(), 6);
  CHECK(max_abs_diff(a, b) == 0.0);

  // the bundled example model (examples/models/example_mlp/1h_latest, a symlink) loads: 21 -> 32 -> 16 -> 3
  {
    ModelSpec ex;
    ex.architecture.hidden_layers = {32, 16};
    ex.input_size = 21;
    const Model m =
        Model::load(std::string(KTRDR_SOURCE_DIR) + "/examples/models/example_mlp/1h_latest/model.pt", ex);
    std::vector<float> row(21, 0.5f);
    row[20] = 50.0f;  // raw RSI
    const auto out = m.predict(row.data(), 1);
    REQUIRE(out.size() == 3);
    CHECK(std::all_of(out.begin(), out.end(), [](float v) { return std::isfinite(v); }));
    CHECK(out == m.predict_per_row(row.data(), 1));
  }

  // set_num_threads is process-wide
  const int before = Model::num_threads();
  Model::set_num_threads(2);
  CHECK(Model::num_threads() == 2);
  Model::set_num_threads(before);
  CHECK(error_of([] { Model::set_num_threads(0); }).find("must be >= 1") != std::string::npos);
}

TEST_CASE("Model::load checks every key and shape against the spec and names file, key and shapes") {
  const ModelSpec mlp = test::spec_from_fixture(expected_fixtures().at("mlp_relu"));  // 12 -> 32 -> 16 -> 3
  const ModelSpec lstm = test::spec_from_fixture(expected_fixtures().at("lstm"));     // 6, H 8, 2 layers, L 5
  struct Case {
    std::string file;
    ModelSpec spec;
    std::vector<std::string> needles;
  };
  std::vector<Case> cases;
  {
    ModelSpec s = mlp;
    s.input_size = 7;
    cases.push_back({"mlp_relu.pt",
                     s,
                     {"mlp_relu.pt: state_dict does not fit the model (mlp, 7 inputs",
                      "key '0.weight': expected shape [32, 7], file has [32, 12]"}});
  }
  {
    ModelSpec s = mlp;
    s.architecture.hidden_layers = {32, 16, 8};
    cases.push_back(
        {"mlp_relu.pt",
         s,
         {"missing key '9.weight' (expected shape [3, 8])", "missing key '9.bias' (expected shape [3])",
          "key '6.weight': expected shape [8, 16], file has [3, 16]"}});
  }
  {
    ModelSpec s = mlp;
    s.architecture.hidden_layers = {32};
    cases.push_back({"mlp_relu.pt",
                     s,
                     {"unexpected key '6.weight' (shape [3, 16])",
                      "key '3.weight': expected shape [3, 32], file has [16, 32]"}});
  }
  {
    ModelSpec s = mlp;
    s.num_outputs = 1;
    cases.push_back({"mlp_relu.pt", s, {"key '6.bias': expected shape [1], file has [3]"}});
  }
  {
    ModelSpec s = lstm;
    s.architecture.num_layers = 1;
    cases.push_back({"lstm.pt",
                     s,
                     {"lstm.pt: state_dict does not fit the model (lstm, 6 inputs, hidden_size 8, "
                      "num_layers 1",
                      "unexpected key 'lstm.weight_ih_l1' (shape [32, 8])"}});
  }
  {
    ModelSpec s = lstm;
    s.architecture.type = config::ModelType::kGru;
    cases.push_back({"lstm.pt",
                     s,
                     {"missing key 'gru.weight_ih_l0' (expected shape [24, 6])",
                      "unexpected key 'lstm.weight_ih_l0' (shape [32, 6])"}});
  }
  {
    ModelSpec s = mlp;
    s.input_size = 0;
    cases.push_back({"mlp_relu.pt", s, {"mlp_relu.pt: model input_size must be > 0 (got 0)"}});
  }
  {
    ModelSpec s = mlp;
    s.input_size = 5;
    cases.push_back({"mlp_script.pt",
                     s,
                     {"mlp_script.pt: TorchScript forward on input [1, 5] failed (mlp, 5 inputs",
                      "mat1 and mat2 shapes cannot be multiplied"}});
  }
  {
    ModelSpec s = mlp;
    s.num_outputs = 2;
    cases.push_back({"mlp_script.pt", s, {"mlp_script.pt: model output has shape [1, 3], expected [1, 2]"}});
  }
  cases.push_back({"mlp_f16.pt", mlp, {"mlp_f16.pt: key '0.weight': dtype float16 is not supported"}});
  cases.push_back({"mlp_truncated.pt", mlp, {"mlp_truncated.pt: unreadable torch zip archive"}});
  cases.push_back({"missing.pt", mlp, {"missing.pt: cannot open model file"}});

  for (const auto& c : cases) {
    const std::string msg = error_of([&] { (void)Model::load(fixture(c.file), c.spec); });
    CAPTURE(msg);
    for (const auto& n : c.needles) {
      CAPTURE(n);
      CHECK(msg.find(n) != std::string::npos);
    }
  }
}

TEST_CASE("batched predict equals per-row inference, with windows and edge cases") {
  // LSTM / GRU: many rows, chunk sizes that split windows at every boundary
  for (const char* name : {"lstm", "gru", "lstm_1layer"}) {
    CAPTURE(name);
    const auto& fx = expected_fixtures().at(name);
    const ModelSpec spec = test::spec_from_fixture(fx);
    const Model m = Model::load(fixture(fx.at("file")), spec);
    std::vector<float> rows(300 * static_cast<size_t>(spec.input_size));
    for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<float>((i * 7919 % 1000) / 1000.0);
    const auto ref = m.predict_per_row(rows.data(), 300);
    for (size_t chunk : {size_t{1}, size_t{7}, size_t{64}, size_t{4096}}) {
      CAPTURE(chunk);
      const auto one = m.predict(rows.data(), 300, chunk);
      CHECK(max_abs_diff(ref, one) <= 1e-6);
      // on a pool: each thread runs a contiguous run of the same chunks -> the same bits
      for (unsigned threads : {2u, 3u}) {
        ThreadPool pool(threads);
        const auto many = m.predict(rows.data(), 300, chunk, &pool);
        REQUIRE(many.size() == one.size());
        CHECK(std::memcmp(many.data(), one.data(), one.size() * sizeof(float)) == 0);
      }
    }
    const size_t c = static_cast<size_t>(spec.num_outputs);
    const size_t l = static_cast<size_t>(spec.sequence_length);
    for (size_t i = 0; i < 300; ++i)
      CHECK(std::isnan(ref[i * c]) == (i + 1 < l));  // NaN exactly where no full window exists
    // fewer rows than the window: all NaN; zero rows: empty
    const auto few = m.predict(rows.data(), l - 1);
    CHECK(few.size() == (l - 1) * c);
    CHECK(std::all_of(few.begin(), few.end(), [](float v) { return std::isnan(v); }));
    CHECK(m.predict(nullptr, 0).empty());
    CHECK(m.predict_per_row(nullptr, 0).empty());
  }
  // MLP: a NaN feature gives NaN outputs for its row only
  const auto& fx = expected_fixtures().at("mlp_relu");
  const ModelSpec spec = test::spec_from_fixture(fx);
  const Model m = Model::load(fixture("mlp_relu.pt"), spec);
  std::vector<float> rows = test::rows_from_fixture(fx);
  rows[12 * 2 + 5] = std::numeric_limits<float>::quiet_NaN();
  const auto out = m.predict(rows.data(), 6);
  for (size_t i = 0; i < 6; ++i) CHECK(std::isnan(out[i * 3]) == (i == 2));
}

// Golden cases: features from expected_features.csv -> logits -> float32 softmax -> argmax, compared with
// ktrdr's own decisions (raw_signal, probs) for every loop bar; batched and per-row must agree.
TEST_CASE("golden models: batched and per-row logits give ktrdr's signals and probabilities") {
  for (const std::string c : {"v1_bench12", "v2_macd_roc_raw"}) {
    CAPTURE(c);
    const std::string dir = test::golden(c + "/");
    const auto cfg = test::read_json(dir + "model/config.json").at("model").at("architecture");
    const auto expected = test::read_json(dir + "expected.json");
    ModelSpec spec;
    spec.architecture.hidden_layers = cfg.at("hidden_layers").get<std::vector<int>>();
    spec.architecture.activation =
        cfg.at("activation") == "tanh" ? config::Activation::kTanh : config::Activation::kRelu;
    spec.input_size = static_cast<int>(expected.at("feature_names").size());
    const Model m = Model::load(dir + "model/model.pt", spec);

    // expected_features.csv: timestamp + one column per input; empty cell = NaN
    std::vector<float> rows;
    std::vector<std::string> stamps;
    std::istringstream csv(test::read_text(dir + "expected_features.csv"));
    std::string line;
    std::getline(csv, line);
    while (std::getline(csv, line)) {
      std::istringstream cells(line);
      std::string cell;
      std::getline(cells, cell, ',');
      stamps.push_back(cell);
      int cols = 0;
      while (std::getline(cells, cell, ',')) {
        rows.push_back(cell.empty() ? std::numeric_limits<float>::quiet_NaN()
                                    : static_cast<float>(std::strtod(cell.c_str(), nullptr)));
        ++cols;
      }
      if (line.back() == ',') {
        rows.push_back(std::numeric_limits<float>::quiet_NaN());
        ++cols;
      }
      REQUIRE(cols == spec.input_size);
    }
    const size_t n = stamps.size();
    const auto per_row = m.predict_per_row(rows.data(), n);
    const auto batched = m.predict(rows.data(), n);
    const double diff = max_abs_diff(per_row, batched);
    MESSAGE(c << ": max |batched - per-row| logit = " << diff);
    CHECK(diff <= 1e-5);

    const auto& decisions = expected.at("decisions");
    const size_t start = expected.at("bars").at("start_idx");
    REQUIRE(decisions.size() == n - start);
    const char* names[] = {"BUY", "HOLD", "SELL"};
    int signal_mismatch = 0, checked = 0;
    double max_prob_diff = 0;
    for (size_t k = 0; k < decisions.size(); ++k) {
      const size_t i = start + k;
      const auto& d = decisions[k];
      REQUIRE(d.at("timestamp") == stamps[i]);
      for (const auto* out : {&per_row, &batched}) {
        const float* logits = out->data() + i * 3;
        const int arg = test::argmax(logits, 3);
        if (d.at("raw_signal").is_null()) {
          signal_mismatch += arg != -1;
          continue;
        }
        signal_mismatch += arg < 0 || d.at("raw_signal") != names[arg];
        double mx = std::max({logits[0], logits[1], logits[2]}), sum = 0, p[3];
        for (int j = 0; j < 3; ++j) sum += p[j] = std::exp(static_cast<double>(logits[j]) - mx);
        for (int j = 0; j < 3; ++j)
          max_prob_diff =
              std::max(max_prob_diff, std::abs(p[j] / sum - d.at("probs").at(names[j]).get<double>()));
        ++checked;
      }
    }
    MESSAGE(c << ": " << checked << " decisions checked, max |prob - ktrdr prob| = " << max_prob_diff);
    CHECK(signal_mismatch == 0);
    CHECK(max_prob_diff <= 1e-6);
  }
}

}  // namespace
}  // namespace ktrdr::model
