// backend_api(): finds and dlopen()s libktrdr_torch.so once per process (model_backend.h).
#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "ktrdr/common/error.h"
#include "model/model_backend.h"

namespace ktrdr::model::detail {
namespace {

namespace fs = std::filesystem;

using EntryPoint = const BackendApi* (*)();

// Opens the plugin at `path` and checks its table; on failure returns nullptr and says why.
const BackendApi* open_backend(const fs::path& path, std::string& why) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    why = "no such file";
    return nullptr;
  }
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* err = ::dlerror();
    why = err != nullptr ? err : "dlopen failed";
    return nullptr;
  }
  // The library stays loaded for the life of the process (libtorch cannot be unloaded cleanly anyway).
  const auto entry = reinterpret_cast<EntryPoint>(::dlsym(handle, kBackendSymbol));
  const BackendApi* api = entry != nullptr ? entry() : nullptr;
  if (api == nullptr) {
    why = fmt::format("it does not export {}()", kBackendSymbol);
    return nullptr;
  }
  if (api->abi != kBackendAbi || api->spec_size != sizeof(ModelSpec) ||
      api->tensor_size != sizeof(NamedTensor)) {
    why = fmt::format("it was built for another version of ktrdr (interface {}, this program uses {})",
                      api->abi, kBackendAbi);
    return nullptr;
  }
  return api;
}

const BackendApi* load_backend() {
  std::vector<fs::path> candidates;
  // An explicit choice (tests, unusual installs) is the only candidate: a wrong path must not be papered
  // over.
  if (const char* env = std::getenv("KTRDR_TORCH_BACKEND"); env != nullptr && env[0] != '\0') {
    candidates.emplace_back(env);
  } else {
    std::error_code ec;
    const fs::path program = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
      candidates.push_back(
          (program.parent_path() / KTRDR_TORCH_BACKEND_FROM_BIN / kBackendFile).lexically_normal());
    // Loaded as part of a shared object that is not the program (the Python extension
    // ktrdr_backtest/_core*.so): beside it as built (build/python/ktrdr_backtest -> build/lib/ktrdr) and as
    // installed (<libdir>/python3*/dist-packages/ktrdr_backtest -> <libdir>/ktrdr).
    Dl_info self{};
    if (::dladdr(reinterpret_cast<void*>(&load_backend), &self) != 0 && self.dli_fname != nullptr) {
      const fs::path object = fs::weakly_canonical(self.dli_fname, ec);
      if (!ec && object != program) {
        for (const char* rel : {"../../lib/ktrdr", "../../../ktrdr"})
          candidates.push_back((object.parent_path() / rel / kBackendFile).lexically_normal());
      }
    }
    candidates.push_back(fs::path(KTRDR_TORCH_BACKEND_INSTALL_DIR) / kBackendFile);
  }
  std::string tried;
  for (const fs::path& path : candidates) {
    std::string why;
    if (const BackendApi* api = open_backend(path, why)) return api;
    tried += fmt::format("{}{} ({})", tried.empty() ? "" : "; ", path.string(), why);
  }
  KTRDR_FAIL(
      "cannot load the libtorch model backend {}: tried {}. It is built beside the programs (cmake --build) "
      "and "
      "installed in <libdir>/ktrdr (cmake --install); set KTRDR_TORCH_BACKEND to its path to use another one",
      kBackendFile, tried);
}

}  // namespace

const BackendApi& backend_api() {
  // The loaded plugin is process-wide by nature (like libtorch itself); a failed load is retried next call.
  static const BackendApi* const api = load_backend();
  return *api;
}

}  // namespace ktrdr::model::detail
