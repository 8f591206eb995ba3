// Private to model/: the interface between Model (ktrdr_model, torch-free, linked into every program) and its
// libtorch implementation, the plugin libktrdr_torch.so (model/torch/), which backend_api() loads with
// dlopen on the first call. A program that never loads a model never loads libtorch and its ~290 shared
// libraries (0.7-1 s before main otherwise).
//
// Both sides are built from this header by the same build, so C++ types cross the boundary; the plugin
// returns a table whose abi and sizes are checked before anything else is used.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ktrdr/model/model.h"

namespace ktrdr::model::detail {

// One loaded network.
class Network {
 public:
  virtual ~Network() = default;
  virtual bool is_torchscript() const = 0;
  // Rows per input: the sequence length of an LSTM/GRU, 1 for an MLP.
  virtual int window() const = 0;
  // Runs inputs [first, end) of `rows` ([n_rows x input_size]; input i is row i, or the window of rows
  // [i, i + window) for a temporal model) in chunks of chunk_rows starting at `first`, and writes input i's
  // outputs at out + (i + window - 1) * num_outputs. Safe to call from several threads at once.
  virtual void predict_range(const float* rows, size_t n_rows, size_t first, size_t end, size_t chunk_rows,
                             float* out) const = 0;
  // One forward per input (the reference's way), same layout, rows without a full window untouched.
  virtual void predict_per_row(const float* rows, size_t n_rows, float* out) const = 0;
};

struct BackendApi {
  uint32_t abi;          // kBackendAbi
  uint32_t spec_size;    // sizeof(ModelSpec)
  uint32_t tensor_size;  // sizeof(NamedTensor)
  std::unique_ptr<Network> (*load)(const std::string& path, const ModelSpec& spec);
  std::vector<NamedTensor> (*read_state_dict)(const std::string& path);
  void (*set_num_threads)(int threads);  // libtorch's intra-op threads (process-wide)
  int (*num_threads)();
  // Sets the intra-op thread count seen by the calling thread's BLAS/OpenMP calls to 1 (pool threads).
  void (*single_thread_here)();
};

constexpr uint32_t kBackendAbi = 1;
// The symbol libktrdr_torch.so exports: extern "C" const BackendApi* ktrdr_torch_backend();
constexpr const char* kBackendSymbol = "ktrdr_torch_backend";
// The plugin's file name.
constexpr const char* kBackendFile = "libktrdr_torch.so";

// The plugin's table, loaded on first use (thread-safe). Throws ktrdr::Error naming every place looked in and
// why it failed, and how to fix it. Where it looks: $KTRDR_TORCH_BACKEND (a path to the .so) when set, else
// beside the running program: <program dir>/<KTRDR_TORCH_BACKEND_FROM_BIN>/ (the install layout: bin/ ->
// lib/ktrdr/; also the build tree's), then <install libdir>/ktrdr/.
const BackendApi& backend_api();

}  // namespace ktrdr::model::detail
