// read_state_dict: the strict pickle reader on genuine torch.save() files (generated fixtures and the golden
// models), compared value for value; and the errors for files it must refuse.
#include <doctest/doctest.h>

#include <functional>

#include "model_test_util.h"

namespace ktrdr::model {
namespace {

using test::expected_fixtures;
using test::error_of;
using test::fixture;

// Exact comparison of a read state_dict with the JSON copy (float32 values written as doubles).
void check_equal(const std::vector<NamedTensor>& got, const nlohmann::json& want_list) {
  REQUIRE(got.size() == want_list.size());
  for (size_t k = 0; k < got.size(); ++k) {
    const auto& want = want_list[k];
    CAPTURE(got[k].name);
    CHECK(got[k].name == want.at("name").get<std::string>());
    CHECK(got[k].shape == want.at("shape").get<std::vector<int64_t>>());
    const auto data = want.at("data").get<std::vector<double>>();
    REQUIRE(got[k].data.size() == data.size());
    size_t mismatches = 0;
    for (size_t i = 0; i < data.size(); ++i)
      if (got[k].data[i] != static_cast<float>(data[i]) || static_cast<double>(got[k].data[i]) != data[i])
        ++mismatches;
    CHECK(mismatches == 0);
  }
}

TEST_CASE("read_state_dict reads every generated torch.save fixture exactly") {
  int files = 0;
  for (const auto& [name, fx] : expected_fixtures().items()) {
    if (!fx.contains("state_dict") || name.find("script") != std::string::npos) continue;
    CAPTURE(name);
    const auto sd = read_state_dict(fixture(fx.at("file")));
    if (name == "mlp_f64") {
      // float64 storages: converted to float32 (round to nearest), as load_state_dict's copy_ does
      const auto& want = fx.at("state_dict");
      REQUIRE(sd.size() == want.size());
      for (size_t k = 0; k < sd.size(); ++k) {
        CHECK(sd[k].dtype == "float64");
        const auto data = want[k].at("data").get<std::vector<double>>();
        for (size_t i = 0; i < data.size(); ++i) CHECK(sd[k].data[i] == static_cast<float>(data[i]));
      }
    } else {
      check_equal(sd, fx.at("state_dict"));
      for (const auto& t : sd) CHECK(t.dtype == "float32");
    }
    ++files;
  }
  CHECK(files >= 11);

  // key order is the file's order (OrderedDict insertion order)
  const auto lstm = read_state_dict(fixture("lstm.pt"));
  std::vector<std::string> names;
  for (const auto& t : lstm) names.push_back(t.name);
  CHECK(names == std::vector<std::string>{"lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0",
                                          "lstm.bias_hh_l0", "lstm.weight_ih_l1", "lstm.weight_hh_l1",
                                          "lstm.bias_ih_l1", "lstm.bias_hh_l1", "fc.weight", "fc.bias"});
  CHECK(lstm[0].shape == std::vector<int64_t>{32, 6});  // [4H, F], gates i,f,g,o
  const auto gru = read_state_dict(fixture("gru.pt"));
  CHECK(gru[0].name == "gru.weight_ih_l0");
  CHECK(gru[0].shape == std::vector<int64_t>{21, 6});  // [3H, F], gates r,z,n
}

TEST_CASE("read_state_dict matches model_weights.json of the golden models bit for bit") {
  for (const std::string c : {"v1_bench12", "v2_macd_roc_raw"}) {
    CAPTURE(c);
    const auto sd = read_state_dict(test::golden(c + "/model/model.pt"));
    // ordered_json keeps the file's key order (the state_dict order)
    const auto weights =
        nlohmann::ordered_json::parse(test::read_text(test::golden(c + "/model_weights.json")))
            .at("state_dict");
    nlohmann::json as_list = nlohmann::json::array();  // {name, shape, data} like expected.json
    for (const auto& [k, v] : weights.items())
      as_list.push_back({{"name", k}, {"shape", v.at("shape")}, {"data", v.at("data")}});
    check_equal(sd, as_list);
  }
}

TEST_CASE("read_state_dict refuses what it cannot read, naming the file and the problem") {
  struct Case {
    const char* file;
    std::vector<std::string> needles;
  };
  const std::vector<Case> cases = {
      {"mlp_f16.pt", {"mlp_f16.pt", "key '0.weight'", "dtype float16 is not supported"}},
      {"mlp_noncontig.pt", {"key '0.weight'", "non-contiguous tensor (shape [32, 12], stride [1, 32])"}},
      {"bad_float_value.pt", {"bad_float_value.pt", "unsupported pickle opcode 0x47 (BINFLOAT)"}},
      {"bad_global.pt", {"unsupported global 'datetime.timedelta'"}},
      {"bad_opcode.pt", {"bad_opcode.pt: data.pkl: unsupported pickle opcode 0x49 (INT)", "(at byte 2)"}},
      {"mlp_truncated.pt", {"mlp_truncated.pt: unreadable torch zip archive"}},
      {"not_a_model.pt", {"not_a_model.pt: not a torch model file"}},
      {"mlp_legacy.pt", {"legacy (non-zip) torch serialization is not supported"}},
      {"does_not_exist.pt", {"does_not_exist.pt: cannot open model file"}},
      {"mlp_script.pt", {"is a TorchScript archive"}},
  };
  for (const auto& c : cases) {
    const std::string msg = error_of([&] { read_state_dict(fixture(c.file)); });
    CAPTURE(msg);
    for (const auto& n : c.needles) {
      CAPTURE(n);
      CHECK(msg.find(n) != std::string::npos);
    }
  }

  // every prefix of a valid file is refused cleanly (no crash, no partial result)
  const std::string bytes = test::read_text(fixture("mlp_relu.pt"));
  int refused = 0;
  for (size_t len :
       {size_t{0}, size_t{3}, size_t{100}, bytes.size() / 3, bytes.size() - 200, bytes.size() - 1}) {
    const std::string path = test::write_temp("prefix.pt", bytes.substr(0, len));
    CAPTURE(len);
    const std::string msg = error_of([&] { read_state_dict(path); });
    CHECK(msg.find("model_tmp_prefix.pt") != std::string::npos);
    refused += msg.find("<no ktrdr::Error") == std::string::npos;
  }
  CHECK(refused == 6);

  // a corrupted data.pkl inside an intact archive: flip the dict's first key opcode to an unknown one
  std::string corrupt = bytes;
  const size_t at = corrupt.find("collections\nOrderedDict");
  REQUIRE(at != std::string::npos);
  corrupt[at - 1] = 'i';  // GLOBAL 'c' -> INST 'i' (the zip CRC check or the pickle reader must refuse it)
  const std::string msg = error_of([&] { read_state_dict(test::write_temp("corrupt.pt", corrupt)); });
  CAPTURE(msg);
  CHECK(msg.find("model_tmp_corrupt.pt") != std::string::npos);
  CHECK(msg.find("<no ktrdr::Error") == std::string::npos);
}

}  // namespace
}  // namespace ktrdr::model
