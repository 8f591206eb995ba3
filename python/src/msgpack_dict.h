// Protocol messages (ktrdr/proto/messages.h, MSGPACK_DEFINE_MAP structs) as Python values, through their own
// msgpack encoding: maps become dicts keyed by the field names, so the binding lists no protocol field and
// fields added to the protocol appear in Python as they are. Enums arrive as their integer values; callers
// rename the ones they show (state -> "pending", ...).
#pragma once

#include <pybind11/pybind11.h>
#include <msgpack.hpp>

namespace ktrdr::python {

// nil -> None, bool, int, float, str (UTF-8, invalid bytes replaced), bin -> bytes, array -> list, map ->
// dict.
pybind11::object to_python(const msgpack::object& o);

template <typename Message>
pybind11::dict message_dict(const Message& m) {
  msgpack::sbuffer buf;
  msgpack::pack(buf, m);
  const msgpack::object_handle oh = msgpack::unpack(buf.data(), buf.size());
  return to_python(oh.get());
}

}  // namespace ktrdr::python
