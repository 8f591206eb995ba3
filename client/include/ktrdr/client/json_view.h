// The fleet's messages as JSON for clients (ktrdr-submit --json, ktrdr-gateway's events and fleet view):
// names as the reference's OperationInfo uses them (operation_id, status, ...), times as ISO-8601 UTC or
// null.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "ktrdr/proto/messages.h"

namespace ktrdr::client {

nlohmann::json to_json(const proto::Progress& progress);
nlohmann::json to_json(const proto::WorkerInfo& worker);
nlohmann::json to_json(const proto::FleetStatus& fleet);
nlohmann::json to_json(const proto::OpEvent& event);

// "2024-01-31T12:00:00Z" for an epoch-ns time, null for 0.
nlohmann::json time_or_null(int64_t ns);

}  // namespace ktrdr::client
