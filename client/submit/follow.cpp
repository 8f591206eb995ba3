#include "follow.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "interrupt.h"
#include "ktrdr/client/progress_feed.h"
#include "ktrdr/common/log.h"
#include "op_view.h"

namespace ktrdr::cli {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Draws progress: redrawn in place on a TTY (at most 10 per second), a plain line every 2 s otherwise.
class ProgressDisplay {
 public:
  explicit ProgressDisplay(FollowDisplay mode) : mode_(mode), tty_(::isatty(STDERR_FILENO) == 1) {}

  void update(const proto::Progress& p) {
    if (p.bars_total == 0 && p.percentage == 0.0) return;
    if (mode_ == FollowDisplay::kJsonLines) {
      std::cout << to_json(p).dump() << '\n' << std::flush;
      return;
    }
    if (mode_ != FollowDisplay::kProgress) return;
    const auto now = Clock::now();
    const auto min_gap = tty_ ? milliseconds(100) : milliseconds(2000);
    if (drawn_ && now - last_draw_ < min_gap) return;
    last_draw_ = now;
    if (tty_) {
      fmt::print(stderr, "\r{}\x1b[K", progress_line(p));
    } else {
      fmt::print(stderr, "{}\n", progress_line(p));
    }
    std::fflush(stderr);
    drawn_ = true;
  }
  // Ends the in-place line before other output.
  void break_line() {
    if (tty_ && drawn_ && mode_ == FollowDisplay::kProgress) fmt::print(stderr, "\n");
    drawn_ = false;
  }

 private:
  FollowDisplay mode_;
  bool tty_;
  bool drawn_ = false;
  Clock::time_point last_draw_{};
};

bool ask_yes_no(const std::string& question) {
  restore_default_interrupt();  // a second Ctrl-C ends the client
  fmt::print(stderr, "{} [y/N] ", question);
  std::fflush(stderr);
  std::string answer;
  char c = 0;
  while (::read(STDIN_FILENO, &c, 1) == 1 && c != '\n') answer += c;
  install_interrupt_handler();
  return !answer.empty() && (answer[0] == 'y' || answer[0] == 'Y');
}

}  // namespace

ExitCode exit_code_for(proto::OpState state) {
  switch (state) {
    case proto::OpState::kCompleted:
      return ExitCode::kOk;
    case proto::OpState::kFailed:
      return ExitCode::kFailed;
    case proto::OpState::kCancelled:
      return ExitCode::kCancelled;
    default:
      return ExitCode::kOk;
  }
}

FollowOutcome follow_operation(zmq::context_t& context, client::BrokerClient& broker,
                               const client::ClientOptions& options, const std::string& op_id,
                               FollowDisplay display) {
  client::ProgressFeed feed(context, options.progress, op_id);
  ProgressDisplay view(display);
  install_interrupt_handler();
  const milliseconds status_every(display == FollowDisplay::kNone ? 500 : 1000);
  // The first status comes quickly: a short job may be over before the SUB socket is connected.
  auto next_status = Clock::now() + milliseconds(150);
  int silent_polls = 0;
  uint64_t last_seq = 0;
  uint32_t last_attempt = 0;
  FollowOutcome out;
  while (true) {
    if (interrupted()) {
      clear_interrupted();
      view.break_line();
      if (::isatty(STDIN_FILENO) == 1 && ::isatty(STDERR_FILENO) == 1) {
        if (ask_yes_no(fmt::format("Cancel operation {}?", op_id))) {
          const proto::Reply r = broker.call(
              proto::Command::kCancel, proto::CancelRequest{op_id, "cancelled from ktrdr-submit (Ctrl-C)"});
          if (r.code != proto::ErrorCode::kOk) log::warn("cancel refused: {}", r.message);
          next_status = Clock::now();
        } else {
          fmt::print(stderr, "still following {} (Ctrl-C again to be asked again)\n", op_id);
        }
      } else {
        fmt::print(stderr, "detached from {}; it keeps running: ktrdr-submit status {}\n", op_id, op_id);
        out.detached = true;
        return out;
      }
    }
    std::optional<client::FeedEvent> ev;
    try {
      const auto wait = std::chrono::duration_cast<milliseconds>(next_status - Clock::now());
      ev = feed.next(std::clamp(wait, milliseconds(0), milliseconds(250)));
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) throw;
      continue;
    }
    if (ev && ev->command == proto::Command::kProgress) {
      const auto& p = ev->progress;
      if (p.attempt > last_attempt || (p.attempt == last_attempt && p.seq > last_seq)) {
        last_attempt = p.attempt;
        last_seq = p.seq;
        view.update(p);
      }
    } else if (ev && ev->command == proto::Command::kOpEvent && proto::is_terminal(ev->event.state)) {
      next_status = Clock::now();  // confirm with the broker and fetch the final record
    }
    if (Clock::now() < next_status) continue;

    proto::Reply reply;
    try {
      reply = broker.call(proto::Command::kStatus, proto::StatusRequest{op_id});
      silent_polls = 0;
    } catch (const client::BrokerUnreachable& e) {
      if (++silent_polls >= 3) {
        view.break_line();
        throw client::BrokerUnreachable(
            fmt::format("{}; {} may still be running: ktrdr-submit status {}", e.what(), op_id, op_id));
      }
      log::warn("broker silent while following {}; retrying", op_id);
      next_status = Clock::now();
      continue;
    }
    next_status = Clock::now() + status_every;
    if (reply.code != proto::ErrorCode::kOk || reply.operations.empty()) {
      view.break_line();
      out.code = ExitCode::kRejected;
      out.message =
          reply.message.empty() ? fmt::format("operation {} unknown to the broker", op_id) : reply.message;
      return out;
    }
    out.op = reply.operations.front();
    const auto& p = out.op.progress;
    if (p.attempt > last_attempt || (p.attempt == last_attempt && p.seq > last_seq)) {
      last_attempt = p.attempt;
      last_seq = p.seq;
      view.update(p);
    }
    if (proto::is_terminal(out.op.state)) {
      view.break_line();
      out.code = exit_code_for(out.op.state);
      if (!out.op.errors.empty()) out.message = out.op.errors.back();
      return out;
    }
  }
}

}  // namespace ktrdr::cli
