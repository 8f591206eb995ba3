// The fleet's messages as the reference REST API shows them (ktrdr-reference.md §11-§12):
// OperationInfo {operation_id, parent_operation_id, operation_type "backtesting", status, created_at,
// started_at, completed_at, progress{percentage, current_step, steps_completed, steps_total,
// items_processed, items_total, current_item, context}, metadata{symbol, timeframe, mode, start_date,
// end_date, parameters}, error_message, warnings, errors, result_summary, metrics, is_backend_local}, plus
// what the fleet knows beyond it (attempts, worker_id, checkpoint_bar, has_checkpoint, has_result) and the
// reference's list-summary fields (progress_percentage, current_step, symbol, duration_seconds).
// Unlike the reference (percentage and current_step only), progress carries the bar counts, bars/s and ETA.
// Times are ISO-8601 UTC or null (client::time_or_null).
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "ktrdr/proto/messages.h"

namespace ktrdr::gateway {

// `result_summary`: the summary of a completed operation (null when unknown); `now_ns` for duration_seconds
// of a running operation.
nlohmann::json operation_json(const proto::OperationInfo& op, const nlohmann::json& result_summary,
                              int64_t now_ns);
// The reference's progress object for an operation (percentage 100 once completed).
nlohmann::json progress_json(const proto::OperationInfo& op);

// The SSE payloads (progress snapshots, state changes) and the fleet view are ktrdr/client/json_view.h's.

}  // namespace ktrdr::gateway
