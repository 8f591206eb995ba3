#include "msgpack_dict.h"

namespace py = pybind11;

namespace ktrdr::python {

py::object to_python(const msgpack::object& o) {
  switch (o.type) {
    case msgpack::type::NIL:
      return py::none();
    case msgpack::type::BOOLEAN:
      return py::bool_(o.via.boolean);
    case msgpack::type::POSITIVE_INTEGER:
      return py::int_(o.via.u64);
    case msgpack::type::NEGATIVE_INTEGER:
      return py::int_(o.via.i64);
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      return py::float_(o.via.f64);
    case msgpack::type::STR:
      return py::reinterpret_steal<py::object>(
          PyUnicode_DecodeUTF8(o.via.str.ptr, static_cast<Py_ssize_t>(o.via.str.size), "replace"));
    case msgpack::type::BIN:
      return py::bytes(o.via.bin.ptr, o.via.bin.size);
    case msgpack::type::ARRAY: {
      py::list out;
      for (uint32_t i = 0; i < o.via.array.size; ++i) out.append(to_python(o.via.array.ptr[i]));
      return out;
    }
    case msgpack::type::MAP: {
      py::dict out;
      for (uint32_t i = 0; i < o.via.map.size; ++i)
        out[to_python(o.via.map.ptr[i].key)] = to_python(o.via.map.ptr[i].val);
      return out;
    }
    case msgpack::type::EXT:
      break;
  }
  return py::none();  // EXT: not used by the protocol
}

}  // namespace ktrdr::python
