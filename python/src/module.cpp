// ktrdr_backtest._core: the engine's runner and the fleet protocol for Python. The public API is the
// ktrdr_backtest package (python/ktrdr_backtest/), which wraps this module with pandas.
#include "bindings.h"

#include "ktrdr/common/error.h"

namespace ktrdr::python {

void register_errors(pybind11::module_& m) {
  pybind11::register_exception<ktrdr::Error>(m, "Error", PyExc_ValueError);
}

}  // namespace ktrdr::python

PYBIND11_MODULE(_core, m) {
  m.doc() = "ktrdr-backtest engine bindings (use the ktrdr_backtest package)";
  ktrdr::python::register_errors(m);
  ktrdr::python::register_run(m);
  ktrdr::python::register_fleet(m);
}
