// A neural network loaded with libtorch, behind a torch-free header (pimpl).
//
// `load` accepts a reference model.pt (a state_dict written by Python's torch.save: zip archive with
// data.pkl, read by our own strict pickle reader) for MLP / LSTM / GRU architectures, or a TorchScript
// file (torch.jit.save). Errors name the file and the key / shape that does not fit.
//
// libtorch is not linked into the programs: the first call that needs it (load, read_state_dict,
// set_num_threads, num_threads) loads the plugin libktrdr_torch.so, from beside the program (the build tree,
// or <libdir>/ktrdr once installed) or from $KTRDR_TORCH_BACKEND; a ktrdr::Error says where it looked when it
// cannot. So `--help`, option errors and feature-only commands start in milliseconds.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "ktrdr/config/strategy_config.h"

namespace ktrdr {
class ThreadPool;
}

namespace ktrdr::model {

struct ModelSpec {
  config::ModelArchitecture architecture;  // type, hidden layers, activation, LSTM/GRU sizes
  int input_size = 0;
  int num_outputs = 3;
  int sequence_length = 1;  // window length for LSTM/GRU (1 for MLP)
};

class Model {
 public:
  // Loads weights from `path` and checks every state_dict key and shape against `spec`.
  static Model load(const std::string& path, const ModelSpec& spec);
  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;
  ~Model();

  const ModelSpec& spec() const;
  int num_outputs() const;
  int sequence_length() const;  // 1 for MLP
  bool is_torchscript() const;  // loaded from a torch.jit.save archive

  // Batched inference over a row-major float32 matrix [n_rows x input_size].
  // Output is row-major [n_rows x num_outputs] (raw network outputs: logits or regression value).
  // MLP: row i -> output i. LSTM/GRU: output i uses the window of rows [i-L+1, i]; rows i < L-1
  // (no full window) get NaN outputs. Runs in chunks of `chunk_rows`, float32, inference mode.
  // With a pool of 2+ threads, the same chunks are shared out among the threads (one libtorch thread each):
  // the outputs are the one-thread outputs bit for bit.
  static constexpr size_t kChunkRows = 4096;
  std::vector<float> predict(const float* rows, size_t n_rows, size_t chunk_rows = kChunkRows,
                             ThreadPool* pool = nullptr) const;
  // One forward per row (reference behaviour; for comparison and benchmarks). Same output layout.
  std::vector<float> predict_per_row(const float* rows, size_t n_rows) const;

  // Loads libtorch (the plugin) now instead of at the first load(); throws ktrdr::Error as load() would. Lets
  // a caller overlap the ~0.5 s it takes with other work.
  static void load_backend();
  // Sets libtorch's intra-op thread count (servers use 1). Process-wide.
  static void set_num_threads(int threads);
  static int num_threads();

 private:
  struct Impl;
  explicit Model(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Reads a torch.save()d state_dict (zip + data.pkl) into name -> (shape, float32 data), in file order.
// Exposed for tests and tools; unknown pickle opcodes / globals are errors.
struct NamedTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;        // row-major float32 (float64 files are converted, as load_state_dict does)
  std::string dtype = "float32";  // dtype stored in the file: "float32" or "float64"
};
std::vector<NamedTensor> read_state_dict(const std::string& path);

}  // namespace ktrdr::model
