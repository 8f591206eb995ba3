// How operations, fleet status and progress look on the terminal and in --json output.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "ktrdr/client/json_view.h"
#include "ktrdr/proto/messages.h"

namespace ktrdr::cli {

// JSON objects (names follow the reference OperationInfo: operation_id, status, created_at, ...); progress,
// workers, fleet and events are the client library's (ktrdr/client/json_view.h).
using client::to_json;
nlohmann::json to_json(const proto::JobSpec& job);
nlohmann::json to_json(const proto::OperationInfo& op);

// Multi-line human description of one operation.
std::string describe(const proto::OperationInfo& op);
// One table row per operation, with a header line.
std::string operations_table(const std::vector<proto::OperationInfo>& ops);
// Workers and queue.
std::string describe(const proto::FleetStatus& fleet);

// "[##########..........]  50.0%  bar 1200/2400  85.2k bars/s  ETA 0:14  equity 100234.56  P&L +234.56
// trades 12" (no newline). `width` = bar width in characters.
std::string progress_line(const proto::Progress& p, int width = 24);
// One line per feed message for `watch`: "<op id> <worker> <progress line>" / "<op id> -> <state> ...".
std::string watch_line(const proto::Progress& p);
std::string watch_line(const proto::OpEvent& e);

// "1:02:03" / "4:05"; "--:--" for unknown or absurd values.
std::string format_duration(double seconds);
// Bars per second, short: "1.77M", "85.2k", "999" (7 characters up to 999.99M).
std::string format_bars_per_second(double bars_per_second);
// ISO-8601 UTC of an epoch-ns time, "" for 0.
std::string format_time_ns(int64_t ns);

}  // namespace ktrdr::cli
