#include "model/torch/pickle_reader.h"

#include <cstring>
#include <map>
#include <memory>
#include <unordered_map>
#include <utility>

#include "ktrdr/common/error.h"

namespace ktrdr::model::detail {
namespace {

// ---- values on the pickle machine's stack ----
struct Value;
using ValuePtr = std::shared_ptr<Value>;

enum class Kind { kNone, kBool, kInt, kString, kTuple, kList, kDict, kGlobal, kStorage, kTensor };

struct Value {
  Kind kind = Kind::kNone;
  bool b = false;
  int64_t i = 0;
  std::string s;                                       // kString; kGlobal "module.name"; kStorage dtype
  std::vector<ValuePtr> items;                         // kTuple, kList
  std::vector<std::pair<ValuePtr, ValuePtr>> entries;  // kDict (insertion order)
  TensorRecord tensor;                                 // kTensor; kStorage uses key/numel/dtype
};

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::kNone:
      return "None";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kString:
      return "str";
    case Kind::kTuple:
      return "tuple";
    case Kind::kList:
      return "list";
    case Kind::kDict:
      return "dict";
    case Kind::kGlobal:
      return "global";
    case Kind::kStorage:
      return "storage";
    case Kind::kTensor:
      return "tensor";
  }
  return "?";
}

ValuePtr make(Kind k) {
  auto v = std::make_shared<Value>();
  v->kind = k;
  return v;
}

// Names of the standard pickle opcodes, for error messages.
const char* opcode_name(uint8_t op) {
  static const std::map<int, const char*> kNames = {{'(', "MARK"},
                                                    {'.', "STOP"},
                                                    {'0', "POP"},
                                                    {'1', "POP_MARK"},
                                                    {'2', "DUP"},
                                                    {'F', "FLOAT"},
                                                    {'I', "INT"},
                                                    {'J', "BININT"},
                                                    {'K', "BININT1"},
                                                    {'L', "LONG"},
                                                    {'M', "BININT2"},
                                                    {'N', "NONE"},
                                                    {'P', "PERSID"},
                                                    {'Q', "BINPERSID"},
                                                    {'R', "REDUCE"},
                                                    {'S', "STRING"},
                                                    {'T', "BINSTRING"},
                                                    {'U', "SHORT_BINSTRING"},
                                                    {'V', "UNICODE"},
                                                    {'X', "BINUNICODE"},
                                                    {'a', "APPEND"},
                                                    {'b', "BUILD"},
                                                    {'c', "GLOBAL"},
                                                    {'d', "DICT"},
                                                    {'}', "EMPTY_DICT"},
                                                    {'e', "APPENDS"},
                                                    {'g', "GET"},
                                                    {'h', "BINGET"},
                                                    {'i', "INST"},
                                                    {'j', "LONG_BINGET"},
                                                    {'l', "LIST"},
                                                    {']', "EMPTY_LIST"},
                                                    {'o', "OBJ"},
                                                    {'p', "PUT"},
                                                    {'q', "BINPUT"},
                                                    {'r', "LONG_BINPUT"},
                                                    {'s', "SETITEM"},
                                                    {'t', "TUPLE"},
                                                    {')', "EMPTY_TUPLE"},
                                                    {'u', "SETITEMS"},
                                                    {'G', "BINFLOAT"},
                                                    {0x80, "PROTO"},
                                                    {0x81, "NEWOBJ"},
                                                    {0x82, "EXT1"},
                                                    {0x83, "EXT2"},
                                                    {0x84, "EXT4"},
                                                    {0x85, "TUPLE1"},
                                                    {0x86, "TUPLE2"},
                                                    {0x87, "TUPLE3"},
                                                    {0x88, "NEWTRUE"},
                                                    {0x89, "NEWFALSE"},
                                                    {0x8a, "LONG1"},
                                                    {0x8b, "LONG4"},
                                                    {'B', "BINBYTES"},
                                                    {'C', "SHORT_BINBYTES"},
                                                    {0x8c, "SHORT_BINUNICODE"},
                                                    {0x8d, "BINUNICODE8"},
                                                    {0x8e, "BINBYTES8"},
                                                    {0x8f, "EMPTY_SET"},
                                                    {0x90, "ADDITEMS"},
                                                    {0x91, "FROZENSET"},
                                                    {0x92, "NEWOBJ_EX"},
                                                    {0x93, "STACK_GLOBAL"},
                                                    {0x94, "MEMOIZE"},
                                                    {0x95, "FRAME"},
                                                    {0x96, "BYTEARRAY8"},
                                                    {0x97, "NEXT_BUFFER"},
                                                    {0x98, "READONLY_BUFFER"}};
  auto it = kNames.find(op);
  return it == kNames.end() ? "not a pickle opcode" : it->second;
}

// torch.<X>Storage -> dtype name
const std::map<std::string, std::string>& storage_types() {
  static const std::map<std::string, std::string> kTypes = {
      {"torch.FloatStorage", "float32"}, {"torch.DoubleStorage", "float64"},
      {"torch.HalfStorage", "float16"},  {"torch.BFloat16Storage", "bfloat16"},
      {"torch.LongStorage", "int64"},    {"torch.IntStorage", "int32"},
      {"torch.ShortStorage", "int16"},   {"torch.CharStorage", "int8"},
      {"torch.ByteStorage", "uint8"},    {"torch.BoolStorage", "bool"},
  };
  return kTypes;
}

class Machine {
 public:
  Machine(std::string_view bytes, const std::string& origin) : b_(bytes), origin_(origin) {}

  std::vector<TensorRecord> run() {
    for (;;) {
      op_pos_ = pos_;
      const uint8_t op = u8();
      switch (op) {
        case 0x80: {  // PROTO
          const uint8_t proto = u8();
          if (proto < 2 || proto > 5) fail(fmt::format("unsupported pickle protocol {}", proto));
          break;
        }
        case 0x95:
          skip(8);
          break;  // FRAME (protocol 4): a length prefix only
        case '.':
          return finish();  // STOP
        case '(':
          marks_.push_back(stack_.size());
          break;
        case '}':
          push(make(Kind::kDict));
          break;
        case ']':
          push(make(Kind::kList));
          break;
        case ')':
          push(make(Kind::kTuple));
          break;
        case 't': {
          auto t = make(Kind::kTuple);
          t->items = pop_to_mark();
          push(t);
          break;
        }
        case 0x85:
        case 0x86:
        case 0x87: {  // TUPLE1..3
          const size_t n = static_cast<size_t>(op - 0x84);
          need_stack(n);
          auto t = make(Kind::kTuple);
          t->items.assign(stack_.end() - static_cast<std::ptrdiff_t>(n), stack_.end());
          stack_.resize(stack_.size() - n);
          push(t);
          break;
        }
        case 'X':
          push_string(le<uint32_t>());
          break;  // BINUNICODE
        case 0x8c:
          push_string(u8());
          break;  // SHORT_BINUNICODE
        case 0x8d:
          push_string(le<uint64_t>());
          break;  // BINUNICODE8
        case 'J':
          push_int(static_cast<int32_t>(le<uint32_t>()));
          break;  // BININT
        case 'K':
          push_int(u8());
          break;  // BININT1
        case 'M':
          push_int(le<uint16_t>());
          break;  // BININT2
        case 0x8a:
          push_int(long1());
          break;  // LONG1
        case 0x88:
          push_bool(true);
          break;  // NEWTRUE
        case 0x89:
          push_bool(false);
          break;  // NEWFALSE
        case 'N':
          push(make(Kind::kNone));
          break;  // NONE
        case 'q':
          put(u8());
          break;  // BINPUT
        case 'r':
          put(le<uint32_t>());
          break;  // LONG_BINPUT
        case 0x94:
          put(static_cast<uint32_t>(memo_.size()));
          break;  // MEMOIZE
        case 'h':
          get(u8());
          break;  // BINGET
        case 'j':
          get(le<uint32_t>());
          break;     // LONG_BINGET
        case 'c': {  // GLOBAL
          std::string module = line();
          std::string name = line();
          push_global(module + "." + name);
          break;
        }
        case 0x93: {  // STACK_GLOBAL
          ValuePtr name = pop();
          ValuePtr module = pop();
          if (module->kind != Kind::kString || name->kind != Kind::kString)
            fail("STACK_GLOBAL expects two strings");
          push_global(module->s + "." + name->s);
          break;
        }
        case 'R': {  // REDUCE
          ValuePtr args = pop();
          ValuePtr callable = pop();
          push(reduce(callable, args));
          break;
        }
        case 'Q':
          push(persistent_load(pop()));
          break;     // BINPERSID
        case 's': {  // SETITEM
          ValuePtr value = pop();
          ValuePtr key = pop();
          dict_at_top()->entries.emplace_back(key, value);
          break;
        }
        case 'u': {  // SETITEMS
          std::vector<ValuePtr> kv = pop_to_mark();
          if (kv.size() % 2 != 0) fail("SETITEMS with an odd number of items");
          Value* d = dict_at_top();
          for (size_t k = 0; k < kv.size(); k += 2) d->entries.emplace_back(kv[k], kv[k + 1]);
          break;
        }
        case 'a': {  // APPEND
          ValuePtr value = pop();
          list_at_top()->items.push_back(value);
          break;
        }
        case 'e': {  // APPENDS
          std::vector<ValuePtr> vs = pop_to_mark();
          Value* l = list_at_top();
          l->items.insert(l->items.end(), vs.begin(), vs.end());
          break;
        }
        case 'b': {  // BUILD: only OrderedDict's attribute state (`_metadata`), which we ignore
          ValuePtr state = pop();
          need_stack(1);
          const ValuePtr& obj = stack_.back();
          if (obj->kind != Kind::kDict || (state->kind != Kind::kDict && state->kind != Kind::kNone))
            fail(fmt::format("BUILD on a {} with a {} state is not part of a state_dict",
                             kind_name(obj->kind), kind_name(state->kind)));
          break;
        }
        default:
          fail(
              fmt::format("unsupported pickle opcode 0x{:02x} ({}); only the opcodes torch.save writes for a "
                          "state_dict of tensors are read",
                          op, opcode_name(op)));
      }
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    KTRDR_FAIL("{}: data.pkl: {} (at byte {}); this file is not a state_dict saved by torch.save", origin_,
               what, op_pos_);
  }

  void need(size_t n) const {
    if (n > b_.size() - pos_)
      fail(fmt::format("truncated pickle: {} more bytes needed, {} left", n, b_.size() - pos_));
  }
  void skip(size_t n) {
    need(n);
    pos_ += n;
  }
  uint8_t u8() {
    need(1);
    return static_cast<uint8_t>(b_[pos_++]);
  }
  template <class T>
  T le() {  // little-endian unsigned integer
    need(sizeof(T));
    uint64_t v = 0;
    for (size_t k = 0; k < sizeof(T); ++k)
      v |= static_cast<uint64_t>(static_cast<uint8_t>(b_[pos_ + k])) << (8 * k);
    pos_ += sizeof(T);
    return static_cast<T>(v);
  }
  int64_t long1() {
    const uint8_t n = u8();
    if (n > 8) fail(fmt::format("LONG1 of {} bytes does not fit in 64 bits", n));
    need(n);
    uint64_t v = 0;
    for (size_t k = 0; k < n; ++k) v |= static_cast<uint64_t>(static_cast<uint8_t>(b_[pos_ + k])) << (8 * k);
    if (n > 0 && n < 8 && (static_cast<uint8_t>(b_[pos_ + n - 1]) & 0x80))
      v |= ~uint64_t{0} << (8 * n);  // sign
    pos_ += n;
    return static_cast<int64_t>(v);
  }
  std::string line() {
    const size_t end = b_.find('\n', pos_);
    if (end == std::string_view::npos) fail("truncated pickle: GLOBAL without a newline");
    std::string s(b_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }

  void push(ValuePtr v) { stack_.push_back(std::move(v)); }
  void push_string(uint64_t n) {
    need(n);
    auto v = make(Kind::kString);
    v->s.assign(b_.substr(pos_, n));
    pos_ += n;
    push(v);
  }
  void push_int(int64_t i) {
    auto v = make(Kind::kInt);
    v->i = i;
    push(v);
  }
  void push_bool(bool x) {
    auto v = make(Kind::kBool);
    v->b = x;
    push(v);
  }
  void push_global(const std::string& full) {
    const bool known = full == "collections.OrderedDict" || full == "torch._utils._rebuild_tensor_v2" ||
                       full == "torch._utils._rebuild_parameter" || storage_types().count(full) > 0;
    if (!known)
      fail(
          fmt::format("unsupported global '{}'; a state_dict holds only tensors (collections.OrderedDict, "
                      "torch._utils._rebuild_tensor_v2, torch.<Type>Storage)",
                      full));
    auto v = make(Kind::kGlobal);
    v->s = full;
    push(v);
  }
  void need_stack(size_t n) const {
    const size_t floor = marks_.empty() ? 0 : marks_.back();
    if (stack_.size() < floor + n) fail("stack underflow");
  }
  ValuePtr pop() {
    need_stack(1);
    ValuePtr v = std::move(stack_.back());
    stack_.pop_back();
    return v;
  }
  std::vector<ValuePtr> pop_to_mark() {
    if (marks_.empty()) fail("no MARK on the stack");
    const size_t m = marks_.back();
    marks_.pop_back();
    std::vector<ValuePtr> out(stack_.begin() + static_cast<std::ptrdiff_t>(m), stack_.end());
    stack_.resize(m);
    return out;
  }
  void put(uint32_t idx) {
    if (stack_.empty()) fail("memo PUT on an empty stack");
    memo_[idx] = stack_.back();
  }
  void get(uint32_t idx) {
    auto it = memo_.find(idx);
    if (it == memo_.end()) fail(fmt::format("memo GET of unknown index {}", idx));
    push(it->second);
  }
  Value* dict_at_top() {
    need_stack(1);
    if (stack_.back()->kind != Kind::kDict)
      fail(fmt::format("SETITEM(S) on a {}, not a dict", kind_name(stack_.back()->kind)));
    return stack_.back().get();
  }
  Value* list_at_top() {
    need_stack(1);
    if (stack_.back()->kind != Kind::kList)
      fail(fmt::format("APPEND(S) on a {}, not a list", kind_name(stack_.back()->kind)));
    return stack_.back().get();
  }

  static bool is_empty_dict_or_none(const ValuePtr& v) {
    return v->kind == Kind::kNone || (v->kind == Kind::kDict && v->entries.empty());
  }
  int64_t as_int(const ValuePtr& v, const char* what) const {
    if (v->kind != Kind::kInt) fail(fmt::format("{} must be an int, got a {}", what, kind_name(v->kind)));
    return v->i;
  }
  std::vector<int64_t> as_int_tuple(const ValuePtr& v, const char* what) const {
    if (v->kind != Kind::kTuple) fail(fmt::format("{} must be a tuple, got a {}", what, kind_name(v->kind)));
    std::vector<int64_t> out;
    for (const auto& x : v->items) out.push_back(as_int(x, what));
    return out;
  }

  ValuePtr reduce(const ValuePtr& callable, const ValuePtr& args) {
    if (callable->kind != Kind::kGlobal)
      fail(fmt::format("REDUCE on a {}, not a global", kind_name(callable->kind)));
    if (args->kind != Kind::kTuple)
      fail(fmt::format("REDUCE arguments are a {}, not a tuple", kind_name(args->kind)));
    const auto& a = args->items;
    if (callable->s == "collections.OrderedDict") {
      if (!a.empty()) fail("collections.OrderedDict called with arguments");
      return make(Kind::kDict);
    }
    if (callable->s == "torch._utils._rebuild_tensor_v2") {
      // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
      if (a.size() != 6 && a.size() != 7)
        fail(fmt::format("_rebuild_tensor_v2 with {} arguments (expected 6 or 7)", a.size()));
      if (a[0]->kind != Kind::kStorage) fail("_rebuild_tensor_v2: first argument is not a storage");
      auto t = make(Kind::kTensor);
      t->tensor = a[0]->tensor;
      t->tensor.storage_offset = as_int(a[1], "storage offset");
      t->tensor.shape = as_int_tuple(a[2], "tensor size");
      t->tensor.stride = as_int_tuple(a[3], "tensor stride");
      if (a[4]->kind != Kind::kBool) fail("_rebuild_tensor_v2: requires_grad is not a bool");
      if (!is_empty_dict_or_none(a[5])) fail("_rebuild_tensor_v2: tensor has backward hooks");
      if (a.size() == 7 && !is_empty_dict_or_none(a[6]))
        fail("_rebuild_tensor_v2: tensor has extra metadata");
      if (t->tensor.shape.size() != t->tensor.stride.size())
        fail("_rebuild_tensor_v2: size and stride differ in rank");
      return t;
    }
    if (callable->s == "torch._utils._rebuild_parameter") {  // (tensor, requires_grad, backward_hooks)
      if (a.size() != 3 || a[0]->kind != Kind::kTensor)
        fail("_rebuild_parameter: expected (tensor, bool, hooks)");
      if (!is_empty_dict_or_none(a[2])) fail("_rebuild_parameter: parameter has backward hooks");
      return a[0];
    }
    fail(fmt::format("'{}' is not callable here", callable->s));
  }

  ValuePtr persistent_load(const ValuePtr& pid) {
    // ('storage', torch.<X>Storage, key, location, numel)
    if (pid->kind != Kind::kTuple || pid->items.size() != 5 || pid->items[0]->kind != Kind::kString ||
        pid->items[0]->s != "storage")
      fail("persistent id is not ('storage', type, key, location, numel)");
    const auto& it = pid->items;
    if (it[1]->kind != Kind::kGlobal || storage_types().count(it[1]->s) == 0)
      fail("persistent id: unknown storage type");
    if (it[2]->kind != Kind::kString || it[3]->kind != Kind::kString)
      fail("persistent id: storage key and location must be strings");
    auto s = make(Kind::kStorage);
    s->tensor.storage_dtype = storage_types().at(it[1]->s);
    s->tensor.storage_key = it[2]->s;
    s->tensor.storage_numel = as_int(it[4], "storage size");
    if (s->tensor.storage_numel < 0) fail("negative storage size");
    return s;
  }

  std::vector<TensorRecord> finish() {
    if (stack_.size() != 1 || !marks_.empty())
      fail(fmt::format("{} values left on the stack at STOP (expected 1)", stack_.size()));
    if (pos_ != b_.size()) fail(fmt::format("{} bytes after STOP", b_.size() - pos_));
    const ValuePtr& top = stack_.back();
    if (top->kind != Kind::kDict)
      fail(fmt::format("the pickled object is a {}, not a dict of tensors", kind_name(top->kind)));
    std::vector<TensorRecord> out;
    std::map<std::string, int> seen;
    for (const auto& [k, v] : top->entries) {
      if (k->kind != Kind::kString)
        fail(fmt::format("a state_dict key is a {}, not a str", kind_name(k->kind)));
      if (v->kind != Kind::kTensor)
        fail(fmt::format("the value of key '{}' is a {}, not a tensor", k->s, kind_name(v->kind)));
      if (seen[k->s]++ > 0) fail(fmt::format("duplicate key '{}'", k->s));
      out.push_back(v->tensor);
      out.back().name = k->s;
    }
    return out;
  }

  std::string_view b_;
  const std::string& origin_;
  size_t pos_ = 0;
  size_t op_pos_ = 0;
  std::vector<ValuePtr> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint32_t, ValuePtr> memo_;
};

}  // namespace

int dtype_size(const std::string& dtype) {
  static const std::map<std::string, int> kSizes = {
      {"float32", 4}, {"float64", 8}, {"float16", 2}, {"bfloat16", 2}, {"int64", 8},
      {"int32", 4},   {"int16", 2},   {"int8", 1},    {"uint8", 1},    {"bool", 1},
  };
  auto it = kSizes.find(dtype);
  return it == kSizes.end() ? 0 : it->second;
}

std::vector<TensorRecord> parse_state_dict_pickle(std::string_view bytes, const std::string& origin) {
  return Machine(bytes, origin).run();
}

}  // namespace ktrdr::model::detail
