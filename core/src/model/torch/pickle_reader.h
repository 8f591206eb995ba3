// A strict reader for the pickle that torch.save() writes as data.pkl for a state_dict (torch-free).
//
// It interprets only the opcodes and globals torch.save emits for a flat dict / collections.OrderedDict
// of tensors (protocol 2, plus a few protocol 3-4 opcodes with the same meaning). Any other opcode or
// global is an error naming it and its byte offset; nothing is guessed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ktrdr::model::detail {

// One tensor of the state_dict, as `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)`
// describes it. The storage bytes live in the archive record `data/<storage_key>`.
struct TensorRecord {
  std::string name;            // state_dict key, e.g. "0.weight"
  std::string storage_dtype;   // "float32", "float64", "float16", ... (from torch.<X>Storage)
  std::string storage_key;     // persistent id key: archive record data/<key>
  int64_t storage_numel = 0;   // element count of the whole storage
  int64_t storage_offset = 0;  // in elements
  std::vector<int64_t> shape;
  std::vector<int64_t> stride;
};

// Element size in bytes of a storage dtype name, 0 if unknown.
int dtype_size(const std::string& dtype);

// Parses `bytes` (data.pkl). `origin` (the file name) prefixes every error message.
// The result keeps the dict's insertion order. Throws ktrdr::Error.
std::vector<TensorRecord> parse_state_dict_pickle(std::string_view bytes, const std::string& origin);

}  // namespace ktrdr::model::detail
