#include "ktrdr/client/json_view.h"

#include "ktrdr/common/time.h"

namespace ktrdr::client {

nlohmann::json time_or_null(int64_t ns) {
  return ns == 0 ? nlohmann::json() : nlohmann::json(format_iso_utc(ns));
}

nlohmann::json to_json(const proto::Progress& p) {
  return {{"operation_id", p.op_id},
          {"worker_id", p.worker_id},
          {"attempt", p.attempt},
          {"seq", p.seq},
          {"percentage", p.percentage},
          {"bars_done", p.bars_done},
          {"bars_total", p.bars_total},
          {"bar_index", p.bar_index},
          {"current_date", p.current_date},
          {"equity", p.equity},
          {"pnl", p.pnl},
          {"trades", p.trades},
          {"win_rate", p.win_rate},
          {"bars_per_second", p.bars_per_second},
          {"eta_seconds", p.eta_seconds}};
}

nlohmann::json to_json(const proto::WorkerInfo& w) {
  return {{"worker_id", w.worker_id},
          {"state", std::string(proto::to_string(w.state))},
          {"operation_id", w.op_id},
          {"last_heartbeat", time_or_null(w.last_heartbeat_ns)},
          {"connected_at", time_or_null(w.connected_ns)},
          {"jobs_done", w.jobs_done},
          {"capabilities", w.capabilities}};
}

nlohmann::json to_json(const proto::FleetStatus& fleet) {
  nlohmann::json workers = nlohmann::json::array();
  for (const auto& w : fleet.workers) workers.push_back(to_json(w));
  return {{"workers", workers},
          {"queue_length", fleet.queue_length},
          {"running", fleet.running},
          {"operations", fleet.operations},
          {"broker_started_at", time_or_null(fleet.broker_started_ns)}};
}

nlohmann::json to_json(const proto::OpEvent& e) {
  return {{"operation_id", e.op_id},
          {"status", std::string(proto::to_string(e.state))},
          {"worker_id", e.worker_id},
          {"message", e.message},
          {"timestamp", time_or_null(e.ts_ns)}};
}

}  // namespace ktrdr::client
