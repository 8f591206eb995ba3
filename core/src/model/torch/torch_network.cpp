// The libtorch plugin (libktrdr_torch.so, model_backend.h): the reference MLP / LSTM / GRU networks
// (docs/reference.md §5.3) rebuilt with libtorch's C++ modules, weights loaded from a torch.save()d
// state_dict by key with strict checks, or a TorchScript module. The only TU of the project that includes
// <torch/...> (state_dict_reader.cpp includes caffe2's zip reader).
#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>

#include "ktrdr/common/error.h"
#include "ktrdr/model/model.h"
#include "model/model_backend.h"
#include "model/torch/state_dict_reader.h"

namespace ktrdr::model {
namespace {

std::string shape_str(at::IntArrayRef shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

// libtorch messages carry C++ or TorchScript tracebacks; keep the last non-empty line (the actual error).
std::string last_line(const std::string& what) {
  size_t end = what.find_last_not_of(" \n");
  if (end == std::string::npos) return what;
  const size_t begin = what.rfind('\n', end);
  return what.substr(begin == std::string::npos ? 0 : begin + 1,
                     end + 1 - (begin == std::string::npos ? 0 : begin + 1));
}

const char* activation_name(config::Activation a) {
  switch (a) {
    case config::Activation::kRelu:
      return "relu";
    case config::Activation::kTanh:
      return "tanh";
    case config::Activation::kSigmoid:
      return "sigmoid";
    case config::Activation::kLeakyRelu:
      return "leaky_relu";
  }
  return "?";
}

std::string describe(const ModelSpec& s) {
  const auto& a = s.architecture;
  switch (a.type) {
    case config::ModelType::kMlp:
      return fmt::format("mlp, {} inputs, hidden [{}] {}, {} outputs", s.input_size,
                         fmt::join(a.hidden_layers, ", "), activation_name(a.activation), s.num_outputs);
    case config::ModelType::kLstm:
    case config::ModelType::kGru:
      return fmt::format("{}, {} inputs, hidden_size {}, num_layers {}, sequence_length {}, {} outputs",
                         a.type == config::ModelType::kLstm ? "lstm" : "gru", s.input_size, a.hidden_size,
                         a.num_layers, s.sequence_length, s.num_outputs);
  }
  return "?";
}

void validate(const ModelSpec& s, const std::string& path) {
  const auto& a = s.architecture;
  KTRDR_REQUIRE(s.input_size > 0, "{}: model input_size must be > 0 (got {})", path, s.input_size);
  KTRDR_REQUIRE(s.num_outputs > 0, "{}: model num_outputs must be > 0 (got {})", path, s.num_outputs);
  if (a.type == config::ModelType::kMlp) {
    for (int h : a.hidden_layers)
      KTRDR_REQUIRE(h > 0, "{}: MLP hidden layer sizes must be > 0 (got {})", path, h);
  } else {
    KTRDR_REQUIRE(s.sequence_length >= 1, "{}: sequence_length must be >= 1 for LSTM/GRU (got {})", path,
                  s.sequence_length);
    KTRDR_REQUIRE(a.hidden_size > 0, "{}: hidden_size must be > 0 (got {})", path, a.hidden_size);
    KTRDR_REQUIRE(a.num_layers > 0, "{}: num_layers must be > 0 (got {})", path, a.num_layers);
  }
}

// LSTMNetwork / GRUNetwork of the reference: `lstm`|`gru` (batch_first) -> dropout -> `fc` on h_n[-1].
struct RecurrentNetImpl : torch::nn::Module {
  RecurrentNetImpl(const ModelSpec& s) {
    const auto& a = s.architecture;
    const double dropout = a.num_layers > 1 ? a.dropout : 0.0;
    if (a.type == config::ModelType::kLstm) {
      lstm = register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(s.input_size, a.hidden_size)
                                                         .num_layers(a.num_layers)
                                                         .batch_first(true)
                                                         .dropout(dropout)));
    } else {
      gru = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(s.input_size, a.hidden_size)
                                                      .num_layers(a.num_layers)
                                                      .batch_first(true)
                                                      .dropout(dropout)));
    }
    fc = register_module("fc", torch::nn::Linear(a.hidden_size, s.num_outputs));
  }
  torch::Tensor forward(const torch::Tensor& x) {  // x [B, L, F] -> [B, C]
    torch::Tensor h_n = lstm ? std::get<0>(std::get<1>(lstm->forward(x))) : std::get<1>(gru->forward(x));
    return fc->forward(h_n[-1]);  // last layer at the last time step; dropout is the identity in eval
  }
  torch::nn::LSTM lstm{nullptr};
  torch::nn::GRU gru{nullptr};
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(RecurrentNet);

torch::nn::Sequential build_mlp(const ModelSpec& s) {
  torch::nn::Sequential seq;
  int64_t prev = s.input_size;
  for (int h : s.architecture.hidden_layers) {
    seq->push_back(torch::nn::Linear(prev, h));
    switch (s.architecture.activation) {
      case config::Activation::kRelu:
        seq->push_back(torch::nn::ReLU());
        break;
      case config::Activation::kTanh:
        seq->push_back(torch::nn::Tanh());
        break;
      case config::Activation::kSigmoid:
        seq->push_back(torch::nn::Sigmoid());
        break;
      case config::Activation::kLeakyRelu:
        seq->push_back(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.01)));
        break;
    }
    seq->push_back(torch::nn::Dropout(s.architecture.dropout));
    prev = h;
  }
  seq->push_back(torch::nn::Linear(prev, s.num_outputs));
  return seq;
}

// load_state_dict(strict=True): every parameter/buffer key present with its shape, no extra key.
void load_weights(torch::nn::Module& module, const std::vector<NamedTensor>& file, const std::string& path,
                  const ModelSpec& spec) {
  std::map<std::string, torch::Tensor> wanted;
  for (const auto& p : module.named_parameters(true)) wanted.emplace(p.key(), p.value());
  for (const auto& b : module.named_buffers(true)) wanted.emplace(b.key(), b.value());

  std::vector<std::string> problems;
  std::set<std::string> seen;
  for (const auto& t : file) {
    seen.insert(t.name);
    auto it = wanted.find(t.name);
    if (it == wanted.end()) {
      problems.push_back(fmt::format("unexpected key '{}' (shape {})", t.name, shape_str(t.shape)));
    } else if (!it->second.sizes().equals(t.shape)) {
      problems.push_back(fmt::format("key '{}': expected shape {}, file has {}", t.name,
                                     shape_str(it->second.sizes()), shape_str(t.shape)));
    }
  }
  for (const auto& [name, tensor] : wanted)
    if (!seen.count(name))
      problems.push_back(
          fmt::format("missing key '{}' (expected shape {})", name, shape_str(tensor.sizes())));
  KTRDR_REQUIRE(problems.empty(), "{}: state_dict does not fit the model ({}): {}", path, describe(spec),
                fmt::join(problems, "; "));

  torch::NoGradGuard no_grad;
  for (const auto& t : file) {
    auto src = torch::from_blob(const_cast<float*>(t.data.data()), t.shape, torch::kFloat32);
    wanted.at(t.name).copy_(src);
  }
}

class TorchNetwork final : public detail::Network {
 public:
  ModelSpec spec;
  std::string path;
  int window_ = 1;  // rows per input (sequence_length for LSTM/GRU, 1 for MLP)
  // forward() of libtorch modules is non-const; inference does not change them (and may run on several
  // threads at once).
  mutable torch::nn::Sequential mlp{nullptr};
  mutable RecurrentNet rnn{nullptr};
  mutable torch::jit::Module script;
  bool scripted = false;

  bool is_torchscript() const override { return scripted; }
  int window() const override { return window_; }

  torch::Tensor forward(const torch::Tensor& x) const {
    if (scripted) return script.forward({x}).toTensor();
    if (mlp) return mlp->forward(x);
    return rnn->forward(x);
  }
  // x holds `batch` inputs; returns a contiguous float32 [batch, C] tensor or throws naming the problem.
  torch::Tensor run(const torch::Tensor& x, int64_t batch) const {
    torch::Tensor y;
    try {
      y = forward(x);
    } catch (const c10::Error& e) {
      KTRDR_FAIL("{}: {}forward on input {} failed ({}): {}", path, scripted ? "TorchScript " : "",
                 shape_str(x.sizes()), describe(spec), last_line(e.what_without_backtrace()));
    } catch (const std::exception& e) {  // TorchScript interpreter errors (JITException, runtime_error)
      KTRDR_FAIL("{}: {}forward on input {} failed ({}): {}", path, scripted ? "TorchScript " : "",
                 shape_str(x.sizes()), describe(spec), last_line(e.what()));
    }
    KTRDR_REQUIRE(y.dim() == 2 && y.size(0) == batch && y.size(1) == spec.num_outputs,
                  "{}: model output has shape {}, expected [{}, {}]", path, shape_str(y.sizes()), batch,
                  spec.num_outputs);
    return y.to(torch::kFloat32).contiguous();
  }

  void predict_range(const float* rows, size_t n_rows, size_t first, size_t end, size_t chunk_rows,
                     float* out) const override {
    const int64_t c = spec.num_outputs;
    const int64_t len = window_;
    const int64_t chunk = static_cast<int64_t>(std::max<size_t>(chunk_rows, 1));
    c10::InferenceMode guard;
    const torch::Tensor all = torch::from_blob(
        const_cast<float*>(rows), {static_cast<int64_t>(n_rows), spec.input_size}, torch::kFloat32);
    // One input per output row: the row itself (MLP), or the window [i-L+1, i] as [n-L+1, L, F].
    const torch::Tensor inputs = len == 1 ? all : all.unfold(0, len, 1).transpose(1, 2);
    for (int64_t start = static_cast<int64_t>(first); start < static_cast<int64_t>(end); start += chunk) {
      const int64_t b = std::min(chunk, static_cast<int64_t>(end) - start);
      const torch::Tensor y = run(inputs.narrow(0, start, b).contiguous(), b);
      std::memcpy(out + (start + len - 1) * c, y.data_ptr<float>(),
                  static_cast<size_t>(b * c) * sizeof(float));
    }
  }

  void predict_per_row(const float* rows, size_t n_rows, float* out) const override {
    const int64_t c = spec.num_outputs;
    const int64_t len = window_;
    const int64_t f = spec.input_size;
    c10::InferenceMode guard;
    for (int64_t i = len - 1; i < static_cast<int64_t>(n_rows); ++i) {
      float* first = const_cast<float*>(rows) + (i - len + 1) * f;
      const torch::Tensor x = len == 1 ? torch::from_blob(first, {1, f}, torch::kFloat32)
                                       : torch::from_blob(first, {1, len, f}, torch::kFloat32);
      const torch::Tensor y = run(x, 1);
      std::memcpy(out + i * c, y.data_ptr<float>(), static_cast<size_t>(c) * sizeof(float));
    }
  }
};

std::unique_ptr<detail::Network> load_network(const std::string& path, const ModelSpec& spec) {
  validate(spec, path);
  auto impl = std::make_unique<TorchNetwork>();
  impl->spec = spec;
  impl->path = path;
  const bool temporal = spec.architecture.type != config::ModelType::kMlp;
  impl->window_ = temporal ? spec.sequence_length : 1;

  if (detail::inspect_archive(path) == detail::ArchiveKind::kTorchScript) {
    try {
      impl->script = torch::jit::load(path, torch::kCPU);
    } catch (const c10::Error& e) {
      KTRDR_FAIL("{}: cannot load TorchScript module: {}", path, e.what_without_backtrace());
    }
    impl->script.eval();
    impl->scripted = true;
    // Probe with one zero input of the spec's shape: the module must map it to [1, num_outputs].
    c10::InferenceMode guard;
    auto probe =
        temporal ? torch::zeros({1, impl->window_, spec.input_size}) : torch::zeros({1, spec.input_size});
    impl->run(probe, 1);
    return impl;
  }

  const std::vector<NamedTensor> weights = read_state_dict(path);
  if (temporal) {
    impl->rnn = RecurrentNet(spec);
    load_weights(*impl->rnn, weights, path, spec);
    impl->rnn->eval();
  } else {
    impl->mlp = build_mlp(spec);
    load_weights(*impl->mlp, weights, path, spec);
    impl->mlp->eval();
  }
  return impl;
}

void set_threads(int threads) {
  at::set_num_threads(threads);
}
int get_threads() {
  return at::get_num_threads();
}
void single_thread_here() {
  // at::set_num_threads also sets the calling thread's OpenMP count, which OpenBLAS reads on every call.
  at::set_num_threads(1);
}

const detail::BackendApi kApi{detail::kBackendAbi,
                              static_cast<uint32_t>(sizeof(ModelSpec)),
                              static_cast<uint32_t>(sizeof(NamedTensor)),
                              &load_network,
                              &read_state_dict,
                              &set_threads,
                              &get_threads,
                              &single_thread_here};

}  // namespace
}  // namespace ktrdr::model

extern "C" __attribute__((visibility("default"))) const ktrdr::model::detail::BackendApi*
ktrdr_torch_backend() {
  return &ktrdr::model::kApi;
}
