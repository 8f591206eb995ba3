// POST /api/v1/backtests/start: the reference's BacktestStartRequest (JSON) -> the fleet's JobSpec.
//
//   strategy_name   required, stripped, non-empty           -> JobSpec.strategy
//   symbol, timeframe  optional, non-empty when given (default: the model's, resolved by the worker)
//   start_date, end_date  required, ISO date or date-time (datetime.fromisoformat forms; naive = UTC),
//                   start <= end
//   initial_capital 100000.0 (> 0), commission 0.001, slippage 0.0005 (>= 0)
//   model_path      optional: model directory relative to the workers' --models-root -> JobSpec.model
// Extensions (not in the reference): mode "ktrdr" | "corrected" (default corrected), position_fraction
// (0, 1], model_version (>= 0). Unknown keys are ignored, as the reference's pydantic model does.
#pragma once

#include <string>

#include "ktrdr/proto/messages.h"

namespace ktrdr::gateway {

// Throws ApiError(400) naming the field, the value and what is accepted.
proto::JobSpec parse_start_request(const std::string& body);

}  // namespace ktrdr::gateway
