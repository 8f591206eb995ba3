// The parts of the ktrdr_backtest._core extension module, each registered by its own file.
#pragma once

#include <string>

#include <pybind11/pybind11.h>

#include "ktrdr/common/mode.h"

namespace ktrdr::python {

// ktrdr_backtest._core.Error (a ValueError): every ktrdr::Error thrown by the engine.
void register_errors(pybind11::module_& m);
// run(), bars_from_columns(), parse_timestamps(), DEFAULTS, POSITION_NAMES (run_binding.cpp).
void register_run(pybind11::module_& m);
// FleetClient: the broker's client protocol (fleet_binding.cpp).
void register_fleet(pybind11::module_& m);

// "ktrdr" | "corrected" -> Mode; throws ktrdr::Error naming the text and the choices (run_binding.cpp).
Mode parse_mode_arg(const std::string& text);

}  // namespace ktrdr::python
