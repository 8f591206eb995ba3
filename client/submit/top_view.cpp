#include "top_view.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "ktrdr/common/time.h"
#include "op_view.h"

namespace ktrdr::cli {
namespace {

// SGR colours, only when ctx.color.
struct Style {
  bool on;
  std::string operator()(const char* sgr, const std::string& text) const {
    return on ? fmt::format("\x1b[{}m{}\x1b[0m", sgr, text) : text;
  }
};
constexpr const char* kBold = "1";
constexpr const char* kDim = "2";
constexpr const char* kReverse = "7";
constexpr const char* kRed = "31";
constexpr const char* kGreen = "32";
constexpr const char* kYellow = "33";
constexpr const char* kCyan = "36";
constexpr const char* kHeaderBar = "30;46";  // black on cyan

const char* state_colour(proto::OpState s) {
  switch (s) {
    case proto::OpState::kRunning:
      return kGreen;
    case proto::OpState::kPending:
    case proto::OpState::kResuming:
      return kYellow;
    case proto::OpState::kFailed:
      return kRed;
    case proto::OpState::kCancelled:
      return kDim;
    case proto::OpState::kCompleted:
      return kCyan;
  }
  return "0";
}

const char* worker_colour(proto::WorkerState s) {
  switch (s) {
    case proto::WorkerState::kBusy:
      return kGreen;
    case proto::WorkerState::kIdle:
      return kCyan;
    case proto::WorkerState::kDead:
      return kRed;
  }
  return "0";
}

// Left-aligned, cut to `width` (with "~" marking the cut).
std::string cell(const std::string& text, std::size_t width) {
  if (text.size() <= width) return text + std::string(width - text.size(), ' ');
  if (width == 0) return {};
  return text.substr(0, width - 1) + "~";
}

std::string rcell(const std::string& text, std::size_t width) {
  if (text.size() >= width) return text.substr(0, width);
  return std::string(width - text.size(), ' ') + text;
}

// "op_backtesting_20261125_101500_1a2b3c4d" -> "20261125_101500_1a2b3c4d" (the footer shows the whole id)
std::string short_op(const std::string& op_id) {
  constexpr std::string_view kPrefix = "op_backtesting_";
  return op_id.rfind(kPrefix, 0) == 0 ? op_id.substr(kPrefix.size()) : op_id;
}

std::string rate(double bars_per_second) {
  return bars_per_second > 0 ? format_bars_per_second(bars_per_second) : "-";
}

std::string ago(int64_t now_ns, int64_t then_ns) {
  if (then_ns <= 0) return "-";
  const double s = static_cast<double>(now_ns - then_ns) / 1e9;
  if (s < 0) return "0.0s";
  if (s < 60) return fmt::format("{:.1f}s", s);
  return format_duration(s);
}

std::string bar(const Style& st, double pct, int width, proto::OpState state) {
  pct = std::clamp(std::isfinite(pct) ? pct : 0.0, 0.0, 100.0);
  const int filled = static_cast<int>(std::lround(pct / 100.0 * width));
  const std::string done(static_cast<std::size_t>(filled), '#');
  const std::string left(static_cast<std::size_t>(width - filled), '.');
  const char* colour = state == proto::OpState::kFailed    ? kRed
                       : state == proto::OpState::kRunning ? kGreen
                                                           : kDim;
  return fmt::format("[{}{}]{:>6.1f}%", st(colour, done), st(kDim, left), pct);
}

std::string pnl(const Style& st, const proto::Progress& p, bool known) {
  if (!known) return rcell("-", 11);
  const std::string text = rcell(fmt::format("{:+.2f}", p.pnl), 11);
  return p.pnl > 0 ? st(kGreen, text) : p.pnl < 0 ? st(kRed, text) : text;
}

std::string section(const Style& st, const std::string& title, int cols) {
  return st(kBold, fit_line(title, cols));
}

}  // namespace

std::string fit_line(const std::string& line, int cols) {
  std::string out;
  int visible = 0;
  bool styled = false;
  for (std::size_t i = 0; i < line.size();) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == 0x1b && i + 1 < line.size() && line[i + 1] == '[') {  // CSI: copy up to the final byte
      std::size_t j = i + 2;
      while (j < line.size() && !(line[j] >= 0x40 && line[j] <= 0x7e)) ++j;
      out.append(line, i, j + 1 - i);
      styled = true;
      i = j + 1;
      continue;
    }
    std::size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    if (visible >= cols) {
      i += len;
      continue;
    }
    if (c < 0x20 || c == 0x7f) {  // a newline or tab (say in an error message) would break the screen
      out += ' ';
    } else {
      out.append(line, i, len);
    }
    ++visible;
    i += len;
  }
  if (visible < cols) out.append(static_cast<std::size_t>(cols - visible), ' ');
  if (styled) out += "\x1b[0m";
  return out;
}

std::vector<std::string> render_top(const TopState& state, const TopViewContext& ctx) {
  const Style st{ctx.color};
  // the layout needs 40 columns; a narrower terminal gets it cut (see the end)
  const int screen_cols = std::max(ctx.cols, 1);
  const int cols = std::max(ctx.cols, 40);
  const auto& fleet = state.fleet();
  std::vector<std::string> head, workers, jobs, failures, foot;

  // ---- header
  const std::string clock = format_iso_utc(ctx.now_ns).substr(11, 8) + " UTC";
  std::string title =
      fmt::format(" ktrdr top   broker {}   feed {}", ctx.broker_endpoint, ctx.progress_endpoint);
  title = fit_line(title, cols - static_cast<int>(clock.size()) - 1) + clock + " ";
  head.push_back(st(kHeaderBar, fit_line(title, cols)));
  std::size_t busy = 0, idle = 0, dead = 0;
  for (const auto& w : fleet.workers) {
    busy += w.state == proto::WorkerState::kBusy;
    idle += w.state == proto::WorkerState::kIdle;
    dead += w.state == proto::WorkerState::kDead;
  }
  std::string summary;
  if (!state.has_reply()) {
    summary = st(kYellow, fmt::format(" waiting for the broker at {} ...", ctx.broker_endpoint));
  } else {
    summary = fmt::format(
        " workers {} ({} busy, {} idle, {} dead)   queue {}   running {}   operations {}   up {}",
        fleet.workers.size(), busy, idle, dead, fleet.queue_length, fleet.running, fleet.operations,
        fleet.broker_started_ns > 0
            ? format_duration(static_cast<double>(ctx.now_ns - fleet.broker_started_ns) / 1e9)
            : "-");
  }
  if (ctx.broker_silent_ns > 0) {
    summary += "   " + st("1;31", fmt::format("BROKER NOT ANSWERING ({:.0f}s)",
                                              static_cast<double>(ctx.broker_silent_ns) / 1e9));
  }
  head.push_back(summary);
  head.push_back("");

  // ---- workers
  workers.push_back(section(st, fmt::format(" WORKERS ({})", fleet.workers.size()), cols));
  workers.push_back(st(kDim, fmt::format("  {:<22} {:<5} {:<24} {:<29} {:>7} {:>8} {:>5} {:>8}", "WORKER",
                                         "STATE", "JOB", "PROGRESS", "BARS/S", "ETA", "DONE", "SEEN")));
  for (const auto& w : fleet.workers) {
    const proto::OperationInfo* op = w.op_id.empty() ? nullptr : state.job(w.op_id);
    std::string progress = std::string(29, ' '), bps = "-", eta = "-";
    if (op != nullptr && op->progress.bars_total > 0) {
      progress = bar(st, op->progress.percentage, 20, op->state);
      bps = rate(op->progress.bars_per_second);
      eta = format_duration(op->progress.eta_seconds);
    }
    workers.push_back(fmt::format("  {} {} {} {} {:>7} {:>8} {:>5} {:>8}", cell(w.worker_id, 22),
                                  st(worker_colour(w.state), cell(std::string(proto::to_string(w.state)), 5)),
                                  cell(w.op_id.empty() ? "-" : short_op(w.op_id), 24), progress, bps, eta,
                                  w.jobs_done, ago(ctx.now_ns, w.last_heartbeat_ns)));
  }
  if (fleet.workers.empty()) workers.push_back(st(kDim, "  (no workers connected)"));

  // ---- jobs: the progress bar takes what the other columns leave
  constexpr int kFixed = 2 + 25 + 10 + 13 + 11 + 9 + 8 + 9 + 12 + 7;
  const int bar_width = std::clamp(cols - kFixed, 6, 40);
  jobs.push_back(st(kDim, fmt::format("  {:<24} {:<9} {:<12} {:<10} {:<{}} {:>7} {:>8} {:>11} {:>6}",
                                      "OPERATION", "STATE", "STRATEGY", "SYMBOL TF", "PROGRESS",
                                      bar_width + 9, "BARS/S", "ETA", "P&L", "TRADES")));
  std::vector<std::string> job_rows;
  const std::size_t selected = state.selected_index();
  for (std::size_t i = 0; i < state.jobs().size(); ++i) {
    const auto& op = state.jobs()[i];
    const auto& p = op.progress;
    const bool known = p.bars_total > 0 || p.seq > 0;
    const std::string strategy = op.job.strategy.empty() ? op.job.model : op.job.strategy;
    const std::string row = fmt::format(
        "{}{} {} {} {} {} {:>7} {:>8} {} {:>6}", i == selected ? "> " : "  ", cell(short_op(op.op_id), 24),
        st(state_colour(op.state), cell(std::string(proto::to_string(op.state)), 9)), cell(strategy, 12),
        cell((op.job.symbol.empty() ? "*" : op.job.symbol) + " " + op.job.timeframe, 10),
        bar(st, p.percentage, bar_width, op.state),
        op.state == proto::OpState::kRunning && known ? rate(p.bars_per_second) : "-",
        op.state == proto::OpState::kRunning && known ? format_duration(p.eta_seconds) : "-",
        pnl(st, p, known), known ? fmt::format("{}", p.trades) : "-");
    job_rows.push_back(i == selected ? st(kReverse, fit_line(row, cols)) : row);
  }
  if (job_rows.empty()) job_rows.push_back(st(kDim, "  (no operations yet: ktrdr-submit backtest ...)"));

  // ---- failures
  failures.push_back(section(st, " RECENT FAILURES", cols));
  const std::size_t n_fail = std::min<std::size_t>(state.failures().size(), 3);
  for (std::size_t i = 0; i < n_fail; ++i) {
    const auto& f = state.failures()[i];
    const std::string when = f.ts_ns > 0 ? format_iso_utc(f.ts_ns).substr(11, 8) : "--:--:--";
    failures.push_back(fmt::format("  {} {} {}", when, cell(short_op(f.op_id), 24), st(kRed, f.message)));
  }
  if (n_fail == 0) failures.push_back(st(kDim, "  (none)"));

  // ---- footer
  std::string keys = " q quit  j/k or arrows select  c cancel";
  if (!ctx.status.empty()) {
    keys += "   " + ctx.status;
  } else if (const auto* sel = state.selected()) {
    keys += "   selected " + sel->op_id;
  }
  foot.push_back(st(kReverse, fit_line(keys, cols)));

  // ---- layout: jobs get what is left, scrolled to keep the selection visible
  std::vector<std::string> out;
  auto append = [&](const std::vector<std::string>& v) { out.insert(out.end(), v.begin(), v.end()); };
  append(head);
  append(workers);
  out.push_back("");
  const int used = static_cast<int>(out.size() + 2 /*jobs title+header*/ + 1 + failures.size() + foot.size());
  const int room = ctx.rows > 0 ? std::max(1, ctx.rows - used) : static_cast<int>(job_rows.size());
  std::size_t first = 0;
  if (selected < job_rows.size() && static_cast<int>(selected) >= room) {
    first = selected - static_cast<std::size_t>(room) + 1;
  }
  const std::size_t n_jobs = state.jobs().size();  // job_rows holds a placeholder when there are none
  const std::size_t shown = std::min(n_jobs - std::min(first, n_jobs), static_cast<std::size_t>(room));
  const std::string jobs_title = shown == n_jobs
                                     ? fmt::format(" JOBS ({} shown, {} queued)", n_jobs, fleet.queue_length)
                                     : fmt::format(" JOBS ({}-{} of {} shown, {} queued)", first + 1,
                                                   first + shown, n_jobs, fleet.queue_length);
  jobs.insert(jobs.begin(), section(st, jobs_title, cols));
  append({jobs[0], jobs[1]});
  for (std::size_t i = first; i < job_rows.size() && static_cast<int>(i - first) < room; ++i)
    out.push_back(job_rows[i]);
  if (ctx.rows > 0) {
    while (static_cast<int>(out.size()) < ctx.rows - static_cast<int>(failures.size() + foot.size() + 1)) {
      out.push_back("");
    }
  }
  out.push_back("");
  append(failures);
  append(foot);
  if (ctx.rows > 0 && static_cast<int>(out.size()) > ctx.rows) out.resize(static_cast<std::size_t>(ctx.rows));
  for (auto& line : out) line = fit_line(line, screen_cols);
  return out;
}

}  // namespace ktrdr::cli
