// A completed run (the engine's structs) as the Python dict the ktrdr_backtest package turns into a
// BacktestResult: the result document's header members under their JSON names, "metrics" (the 22 reference
// metrics) and "extended" sanitised as the JSON (NaN -> 0, inf -> +-999999), and "trades" / "equity_curve" as
// dicts of numpy columns built straight from the structs (timestamps int64 ns UTC; equity "position" as
// uint8 codes into POSITION_NAMES; trade "confidence" NaN when the exit had none).
#pragma once

#include <pybind11/pybind11.h>

#include "ktrdr/runner/backtest_runner.h"

namespace ktrdr::python {

pybind11::dict result_to_dict(const runner::RunReport& report);

}  // namespace ktrdr::python
