#include "ktrdr/gateway/operation_json.h"

#include <fmt/format.h>

#include "ktrdr/client/json_view.h"

namespace ktrdr::gateway {
namespace {

using Json = nlohmann::json;
using client::time_or_null;

Json string_or_null(const std::string& s) {
  return s.empty() ? Json() : Json(s);
}

// "Backtesting SYNTH 1h [2020-03-02T10:00:00Z]", the reference's progress message.
Json current_step(const proto::OperationInfo& op) {
  const proto::Progress& p = op.progress;
  switch (op.state) {
    case proto::OpState::kPending:
      return "Queued";
    case proto::OpState::kResuming:
      return op.has_checkpoint ? fmt::format("Resuming from bar {}", op.checkpoint_bar) : "Resuming";
    case proto::OpState::kCompleted:
      return "Backtest completed";
    case proto::OpState::kCancelled:
      return "Backtest cancelled";
    case proto::OpState::kFailed:
      return "Backtest failed";
    case proto::OpState::kRunning:
      break;
  }
  if (p.bars_total == 0) return "Starting";
  const std::string& symbol = op.job.symbol;
  const std::string& timeframe = op.job.timeframe;
  return fmt::format("Backtesting {}{}{} [{}]", symbol, symbol.empty() || timeframe.empty() ? "" : " ",
                     timeframe, p.current_date);
}

}  // namespace

Json progress_json(const proto::OperationInfo& op) {
  const proto::Progress& p = op.progress;
  const bool completed = op.state == proto::OpState::kCompleted;
  return {{"percentage", completed ? 100.0 : p.percentage},
          {"current_step", current_step(op)},
          {"steps_completed", completed && p.bars_total > 0 ? p.bars_total : p.bars_done},
          {"steps_total", p.bars_total},
          {"items_processed", completed && p.bars_total > 0 ? p.bars_total : p.bars_done},
          {"items_total", p.bars_total},
          {"current_item", string_or_null(p.current_date)},
          {"context",
           {{"bars_per_second", p.bars_per_second},
            {"eta_seconds", p.eta_seconds},
            {"equity", p.equity},
            {"pnl", p.pnl},
            {"trades", p.trades},
            {"win_rate", p.win_rate},
            {"bar_index", p.bar_index},
            {"worker_id", string_or_null(p.worker_id)},
            {"attempt", p.attempt}}}};
}

Json operation_json(const proto::OperationInfo& op, const Json& result_summary, int64_t now_ns) {
  const proto::JobSpec& job = op.job;
  Json error_message;
  if ((op.state == proto::OpState::kFailed || op.state == proto::OpState::kCancelled) && !op.errors.empty()) {
    error_message = op.errors.back();
  }
  const int64_t end_ns = op.finished_ns != 0 ? op.finished_ns : now_ns;
  const Json duration = op.started_ns == 0 ? Json() : Json(static_cast<double>(end_ns - op.started_ns) / 1e9);
  Json progress = progress_json(op);
  Json out = {{"operation_id", op.op_id},
              {"parent_operation_id", nullptr},
              {"operation_type", "backtesting"},
              {"status", std::string(proto::to_string(op.state))},
              {"created_at", time_or_null(op.created_ns)},
              {"started_at", time_or_null(op.started_ns)},
              {"completed_at", time_or_null(op.finished_ns)},
              {"progress", progress},
              {"metadata",
               {{"symbol", string_or_null(job.symbol)},
                {"timeframe", string_or_null(job.timeframe)},
                {"mode", to_string(job.mode)},
                {"start_date", string_or_null(job.start_date)},
                {"end_date", string_or_null(job.end_date)},
                {"parameters",
                 {{"strategy_name", job.strategy},
                  {"model_path", string_or_null(job.model)},
                  {"model_version", job.model_version},
                  {"initial_capital", job.costs.initial_capital},
                  {"commission", job.costs.commission},
                  {"slippage", job.costs.slippage},
                  {"position_fraction", job.costs.position_fraction},
                  {"worker_id", string_or_null(op.worker_id)}}}}},
              {"error_message", error_message},
              {"warnings", Json::array()},
              {"errors", op.errors},
              {"result_summary", result_summary},
              {"metrics", nullptr},
              {"is_backend_local", false},
              // the reference's OperationSummary fields, for clients of its list endpoint
              {"progress_percentage", progress["percentage"]},
              {"current_step", progress["current_step"]},
              {"symbol", string_or_null(job.symbol)},
              {"duration_seconds", duration},
              // what the fleet adds
              {"strategy_name", job.strategy},
              {"attempts", op.attempts},
              {"worker_id", string_or_null(op.worker_id)},
              {"checkpoint_bar", op.checkpoint_bar},
              {"has_checkpoint", op.has_checkpoint},
              {"has_result", op.has_result}};
  return out;
}

}  // namespace ktrdr::gateway
