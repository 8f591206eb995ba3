// read_state_dict: the zip container is read with caffe2's PyTorchStreamReader (part of libtorch; this TU
// only needs its light header), data.pkl with our strict pickle reader (pickle_reader.cpp).
#include "model/torch/state_dict_reader.h"

#include <bit>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>

#include <caffe2/serialize/inline_container.h>

#include "ktrdr/common/error.h"
#include "ktrdr/model/model.h"
#include "model/torch/pickle_reader.h"

namespace ktrdr::model {
namespace detail {
namespace {

static_assert(std::endian::native == std::endian::little, "storages are little-endian; add byte swapping");

std::string shape_str(const std::vector<int64_t>& shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

// The first bytes tell a zip archive from a legacy torch file (a bare pickle stream) or something else.
void check_header(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  KTRDR_REQUIRE(in.good(), "{}: cannot open model file (missing or unreadable)", path);
  char magic[4] = {0, 0, 0, 0};
  in.read(magic, 4);
  const auto got = in.gcount();
  KTRDR_REQUIRE(got > 0, "{}: model file is empty", path);
  if (got >= 2 && static_cast<uint8_t>(magic[0]) == 0x80 && static_cast<uint8_t>(magic[1]) <= 5)
    KTRDR_FAIL(
        "{}: legacy (non-zip) torch serialization is not supported; re-save it with torch.save(state_dict, "
        "path) "
        "from torch >= 1.6 (the default zip format)",
        path);
  KTRDR_REQUIRE(got == 4 && std::memcmp(magic, "PK\x03\x04", 4) == 0,
                "{}: not a torch model file (expected a zip archive written by torch.save or torch.jit.save)",
                path);
}

std::unique_ptr<caffe2::serialize::PyTorchStreamReader> open_archive(const std::string& path) {
  check_header(path);
  try {
    return std::make_unique<caffe2::serialize::PyTorchStreamReader>(path);
  } catch (const c10::Error& e) {
    KTRDR_FAIL("{}: unreadable torch zip archive (truncated or corrupt?): {}", path,
               e.what_without_backtrace());
  }
}

std::string record_string(caffe2::serialize::PyTorchStreamReader& r, const std::string& name) {
  auto [ptr, size] = r.getRecord(name);
  return std::string(static_cast<const char*>(ptr.get()), size);
}

bool is_torchscript(caffe2::serialize::PyTorchStreamReader& r) {
  if (r.hasRecord("constants.pkl")) return true;
  for (const auto& name : r.getAllRecords())
    if (name.rfind("code/", 0) == 0) return true;
  return false;
}

}  // namespace

ArchiveKind inspect_archive(const std::string& path) {
  auto reader = open_archive(path);
  try {
    return is_torchscript(*reader) ? ArchiveKind::kTorchScript : ArchiveKind::kStateDict;
  } catch (const c10::Error& e) {
    KTRDR_FAIL("{}: unreadable torch zip archive: {}", path, e.what_without_backtrace());
  }
}

}  // namespace detail

std::vector<NamedTensor> read_state_dict(const std::string& path) {
  using detail::shape_str;
  auto reader = detail::open_archive(path);
  try {
    KTRDR_REQUIRE(
        !detail::is_torchscript(*reader),
        "{}: is a TorchScript archive (torch.jit.save), not a torch.save()d state_dict; load it with "
        "Model::load",
        path);
    KTRDR_REQUIRE(reader->hasRecord("data.pkl"),
                  "{}: torch archive without data.pkl (not written by torch.save)", path);
    if (reader->hasRecord("byteorder")) {
      const std::string order = detail::record_string(*reader, "byteorder");
      KTRDR_REQUIRE(order == "little", "{}: storages are '{}'-endian; only little-endian files are supported",
                    path, order);
    }
    const std::string pkl = detail::record_string(*reader, "data.pkl");
    const std::vector<detail::TensorRecord> records = detail::parse_state_dict_pickle(pkl, path);

    std::map<std::string, std::string> storages;  // key -> bytes (a storage may back several tensors)
    std::vector<NamedTensor> out;
    out.reserve(records.size());
    for (const auto& rec : records) {
      const std::string where = fmt::format("{}: key '{}'", path, rec.name);
      KTRDR_REQUIRE(rec.storage_dtype == "float32" || rec.storage_dtype == "float64",
                    "{}: dtype {} is not supported; save float32 weights (model.float().state_dict())", where,
                    rec.storage_dtype);
      const int64_t elem = detail::dtype_size(rec.storage_dtype);
      // Row-major contiguity (dimensions of size 1 may carry any stride, as in torch).
      int64_t numel = 1;
      int64_t expected_stride = 1;
      for (size_t d = rec.shape.size(); d-- > 0;) {
        KTRDR_REQUIRE(rec.shape[d] >= 0, "{}: negative dimension in shape {}", where, shape_str(rec.shape));
        KTRDR_REQUIRE(rec.shape[d] == 1 || rec.stride[d] == expected_stride,
                      "{}: non-contiguous tensor (shape {}, stride {}); save it with .contiguous()", where,
                      shape_str(rec.shape), shape_str(rec.stride));
        expected_stride *= rec.shape[d];
        numel *= rec.shape[d];
      }
      KTRDR_REQUIRE(rec.storage_offset >= 0 && rec.storage_offset + numel <= rec.storage_numel,
                    "{}: elements [{}, {}) lie outside its storage of {} elements", where, rec.storage_offset,
                    rec.storage_offset + numel, rec.storage_numel);
      auto it = storages.find(rec.storage_key);
      if (it == storages.end()) {
        const std::string record = "data/" + rec.storage_key;
        KTRDR_REQUIRE(reader->hasRecord(record), "{}: storage record {} is missing from the archive", where,
                      record);
        it = storages.emplace(rec.storage_key, detail::record_string(*reader, record)).first;
      }
      const std::string& bytes = it->second;
      KTRDR_REQUIRE(static_cast<int64_t>(bytes.size()) >= rec.storage_numel * elem,
                    "{}: storage data/{} holds {} bytes, expected {} ({} x {})", where, rec.storage_key,
                    bytes.size(), rec.storage_numel * elem, rec.storage_numel, rec.storage_dtype);
      NamedTensor t;
      t.name = rec.name;
      t.shape = rec.shape;
      t.dtype = rec.storage_dtype;
      t.data.resize(static_cast<size_t>(numel));
      const char* src = bytes.data() + rec.storage_offset * elem;
      if (rec.storage_dtype == "float32") {
        std::memcpy(t.data.data(), src, static_cast<size_t>(numel) * sizeof(float));
      } else {  // float64 -> float32, as load_state_dict's copy_ into float32 parameters does
        for (int64_t k = 0; k < numel; ++k) {
          double v;
          std::memcpy(&v, src + k * 8, 8);
          t.data[static_cast<size_t>(k)] = static_cast<float>(v);
        }
      }
      out.push_back(std::move(t));
    }
    return out;
  } catch (const c10::Error& e) {
    KTRDR_FAIL("{}: unreadable torch zip archive (truncated or corrupt?): {}", path,
               e.what_without_backtrace());
  }
}

}  // namespace ktrdr::model
