// Model: the torch-free front of model.h. The network itself lives in the libtorch plugin (model_backend.h);
// batched inference is split here into whole chunks per pool thread.
#include "ktrdr/model/model.h"

#include <algorithm>
#include <limits>

#include "ktrdr/common/error.h"
#include "ktrdr/common/thread_pool.h"
#include "model/model_backend.h"

namespace ktrdr::model {

struct Model::Impl {
  ModelSpec spec;
  std::string path;
  std::unique_ptr<detail::Network> net;
};

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

Model Model::load(const std::string& path, const ModelSpec& spec) {
  auto impl = std::make_unique<Impl>();
  impl->spec = spec;
  impl->path = path;
  impl->net = detail::backend_api().load(path, spec);
  return Model(std::move(impl));
}

const ModelSpec& Model::spec() const {
  return impl_->spec;
}
int Model::num_outputs() const {
  return impl_->spec.num_outputs;
}
int Model::sequence_length() const {
  return impl_->net->window();
}
bool Model::is_torchscript() const {
  return impl_->net->is_torchscript();
}

std::vector<float> Model::predict(const float* rows, size_t n_rows, size_t chunk_rows,
                                  ThreadPool* pool) const {
  const Impl& m = *impl_;
  const size_t c = static_cast<size_t>(m.spec.num_outputs);
  const size_t window = static_cast<size_t>(m.net->window());
  std::vector<float> out(n_rows * c, std::numeric_limits<float>::quiet_NaN());
  if (n_rows < window) return out;
  KTRDR_REQUIRE(rows != nullptr, "{}: predict() on a null row pointer", m.path);
  const size_t chunk = std::max<size_t>(chunk_rows, 1);
  const size_t inputs = n_rows - window + 1;
  const size_t chunks = (inputs + chunk - 1) / chunk;
  if (pool == nullptr || pool->size() < 2 || chunks < 2) {
    m.net->predict_range(rows, n_rows, 0, inputs, chunk, out.data());
    return out;
  }
  // The chunks of one pass, each run by whichever pool thread is free (no thread waits for a slower one): every
  // chunk starts where it would in one pass, so each forward sees the same input and gives the same bits.
  // libtorch's own threads are not used on top (one each).
  const auto& api = detail::backend_api();
  pool->parallel_for(chunks, [&](size_t k) {
    api.single_thread_here();
    m.net->predict_range(rows, n_rows, k * chunk, std::min(inputs, (k + 1) * chunk), chunk, out.data());
  });
  return out;
}

std::vector<float> Model::predict_per_row(const float* rows, size_t n_rows) const {
  const Impl& m = *impl_;
  const size_t c = static_cast<size_t>(m.spec.num_outputs);
  std::vector<float> out(n_rows * c, std::numeric_limits<float>::quiet_NaN());
  if (n_rows < static_cast<size_t>(m.net->window())) return out;
  KTRDR_REQUIRE(rows != nullptr, "{}: predict_per_row() on a null row pointer", m.path);
  m.net->predict_per_row(rows, n_rows, out.data());
  return out;
}

void Model::load_backend() {
  (void)detail::backend_api();
}

void Model::set_num_threads(int threads) {
  KTRDR_REQUIRE(threads >= 1, "torch thread count must be >= 1 (got {})", threads);
  detail::backend_api().set_num_threads(threads);
}
int Model::num_threads() {
  return detail::backend_api().num_threads();
}

std::vector<NamedTensor> read_state_dict(const std::string& path) {
  return detail::backend_api().read_state_dict(path);
}

}  // namespace ktrdr::model
