#include "op_view.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "ktrdr/common/time.h"

namespace ktrdr::cli {

std::string format_time_ns(int64_t ns) {
  return ns == 0 ? std::string() : format_iso_utc(ns);
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 1e8) return "--:--";
  const auto total = static_cast<int64_t>(std::llround(seconds));
  const int64_t h = total / 3600, m = (total % 3600) / 60, s = total % 60;
  return h > 0 ? fmt::format("{}:{:02}:{:02}", h, m, s) : fmt::format("{}:{:02}", m, s);
}

std::string format_bars_per_second(double bars_per_second) {
  // the unit follows the value as printed: 999,960 rounds to "1000.0k" in k, so it is "1.00M"
  if (bars_per_second >= 999'950.0) return fmt::format("{:.2f}M", bars_per_second / 1e6);
  if (bars_per_second >= 999.5) return fmt::format("{:.1f}k", bars_per_second / 1e3);
  return fmt::format("{:.0f}", bars_per_second);
}

namespace {

std::string format_rate(double bars_per_second) {
  return format_bars_per_second(bars_per_second) + " bars/s";
}

nlohmann::json time_or_null(int64_t ns) {
  return ns == 0 ? nlohmann::json() : nlohmann::json(format_iso_utc(ns));
}

}  // namespace

nlohmann::json to_json(const proto::JobSpec& job) {
  return {{"job_type", job.job_type},
          {"strategy", job.strategy},
          {"model", job.model},
          {"model_version", job.model_version},
          {"symbol", job.symbol},
          {"timeframe", job.timeframe},
          {"start_date", job.start_date},
          {"end_date", job.end_date},
          {"initial_capital", job.costs.initial_capital},
          {"commission", job.costs.commission},
          {"slippage", job.costs.slippage},
          {"position_fraction", job.costs.position_fraction},
          {"mode", to_string(job.mode)}};
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

nlohmann::json to_json(const proto::OperationInfo& op) {
  return {{"operation_id", op.op_id},
          {"operation_type", "backtesting"},
          {"status", std::string(proto::to_string(op.state))},
          {"job", to_json(op.job)},
          {"created_at", time_or_null(op.created_ns)},
          {"started_at", time_or_null(op.started_ns)},
          {"completed_at", time_or_null(op.finished_ns)},
          {"attempts", op.attempts},
          {"worker_id", op.worker_id},
          {"progress", to_json(op.progress)},
          {"errors", op.errors},
          {"checkpoint_bar", op.checkpoint_bar},
          {"has_checkpoint", op.has_checkpoint},
          {"has_result", op.has_result}};
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

std::string describe(const proto::OperationInfo& op) {
  const auto& j = op.job;
  std::string s = fmt::format("operation  {}\nstatus     {}\n", op.op_id, proto::to_string(op.state));
  s += fmt::format("job        {} {}{}{} {} {}..{} mode {}\n", j.job_type,
                   j.model.empty() ? j.strategy : j.model,
                   j.model_version ? fmt::format(" v{}", j.model_version) : std::string(),
                   j.symbol.empty() ? std::string() : " " + j.symbol, j.timeframe.empty() ? "-" : j.timeframe,
                   j.start_date.empty() ? "first" : j.start_date, j.end_date.empty() ? "last" : j.end_date,
                   to_string(j.mode));
  s += fmt::format("capital    {}  commission {}  slippage {}  position fraction {}\n",
                   j.costs.initial_capital, j.costs.commission, j.costs.slippage, j.costs.position_fraction);
  s += fmt::format("created    {}\n", format_time_ns(op.created_ns));
  if (op.started_ns) s += fmt::format("started    {}\n", format_time_ns(op.started_ns));
  if (op.finished_ns) s += fmt::format("finished   {}\n", format_time_ns(op.finished_ns));
  s += fmt::format("attempts   {}{}\n", op.attempts, op.worker_id.empty() ? "" : "  worker " + op.worker_id);
  if (op.progress.bars_total > 0) s += fmt::format("progress   {}\n", progress_line(op.progress));
  if (op.has_checkpoint) s += fmt::format("checkpoint bar {}\n", op.checkpoint_bar);
  for (const auto& e : op.errors) s += fmt::format("error      {}\n", e);
  return s;
}

std::string operations_table(const std::vector<proto::OperationInfo>& ops) {
  std::string s = fmt::format("{:<40} {:<10} {:>6} {:<20} {:<8} {:<20}\n", "OPERATION", "STATUS", "PCT",
                              "STRATEGY", "TF", "WORKER");
  for (const auto& op : ops) {
    s += fmt::format("{:<40} {:<10} {:>5.1f}% {:<20} {:<8} {:<20}\n", op.op_id, proto::to_string(op.state),
                     op.progress.percentage, op.job.model.empty() ? op.job.strategy : op.job.model,
                     op.job.timeframe, op.worker_id);
  }
  return s;
}

std::string describe(const proto::FleetStatus& fleet) {
  std::string s = fmt::format("workers {}  queued {}  running {}  operations {}\n", fleet.workers.size(),
                              fleet.queue_length, fleet.running, fleet.operations);
  for (const auto& w : fleet.workers) {
    s += fmt::format("  {:<28} {:<5} jobs {:<6} {}\n", w.worker_id, proto::to_string(w.state), w.jobs_done,
                     w.op_id);
  }
  return s;
}

std::string progress_line(const proto::Progress& p, int width) {
  const double pct = std::clamp(p.percentage, 0.0, 100.0);
  const int filled = static_cast<int>(pct / 100.0 * width);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(static_cast<size_t>(width), '.');
  return fmt::format("[{}] {:5.1f}%  bar {}/{}  {}  ETA {}  equity {:.2f}  P&L {:+.2f}  trades {}", bar, pct,
                     p.bars_done, p.bars_total, format_rate(p.bars_per_second),
                     format_duration(p.eta_seconds), p.equity, p.pnl, p.trades);
}

std::string watch_line(const proto::Progress& p) {
  return fmt::format("{} {} {:5.1f}%  bar {}/{}  {}  ETA {}  {}  equity {:.2f}  P&L {:+.2f}  trades {}",
                     p.op_id, p.worker_id, p.percentage, p.bars_done, p.bars_total,
                     format_rate(p.bars_per_second), format_duration(p.eta_seconds), p.current_date, p.equity,
                     p.pnl, p.trades);
}

std::string watch_line(const proto::OpEvent& e) {
  return fmt::format("{} -> {}{}{}", e.op_id, proto::to_string(e.state),
                     e.worker_id.empty() ? "" : " on " + e.worker_id,
                     e.message.empty() ? "" : ": " + e.message);
}

}  // namespace ktrdr::cli
