// `ktrdr-submit top`: the event loop. One DEALER to the broker (a kList request every --interval-ms,
// answered or given up after --timeout-ms, Lazy Pirate style), one SUB on the progress feed, stdin, and a
// redraw at most every 100 ms. Everything on this thread; sockets never leave it.
#include "top.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <boost/program_options.hpp>
#include <zmq.hpp>

#include "command_line.h"
#include "exit_codes.h"
#include "ktrdr/common/error.h"
#include "ktrdr/common/log.h"
#include "ktrdr/net/frames.h"
#include "ktrdr/proto/codec.h"
#include "top_state.h"
#include "top_terminal.h"
#include "top_view.h"

namespace po = boost::program_options;

namespace ktrdr::cli {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kTopUsage =
    "usage: ktrdr-submit top [--broker EP] [--progress EP] [--interval-ms MS] [--once]\n"
    "\n"
    "A full-screen view of the fleet: workers (state, job, progress, last heartbeat), jobs (progress bar,\n"
    "bars/s, ETA, P&L, trades), the queue and recent failures. It listens to the broker's progress feed\n"
    "and asks the broker for the job list every --interval-ms.\n"
    "Keys: q quit, arrows or j/k select a job, PgUp/PgDn/Home/End, c cancel the selected job (y confirms).";

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct TopOptions {
  int interval_ms = 1000;
  bool once = false;
  uint32_t limit = 200;
};

// The dashboard's two sockets and the one outstanding request (list or cancel).
class FleetLink {
 public:
  FleetLink(zmq::context_t& ctx, const client::ClientOptions& options) : ctx_(ctx), options_(options) {
    open_dealer();
    sub_ = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::sub);
    net::configure_socket(*sub_);
    sub_->set(zmq::sockopt::subscribe, "");
    try {
      sub_->connect(options_.progress);
    } catch (const zmq::error_t& e) {
      KTRDR_FAIL(
          "cannot use progress endpoint '{}': {} (expected e.g. tcp://host:5558; set --progress or {})",
          options_.progress, e.what(), client::kProgressEnv);
    }
  }

  zmq::socket_t& dealer() { return *dealer_; }
  zmq::socket_t& sub() { return *sub_; }

  // Sends a request unless one is outstanding; returns its id (0 when not sent).
  template <typename Body>
  uint64_t request(proto::Command command, const Body& body) {
    if (outstanding_ != 0) return 0;
    const uint64_t id = ++next_id_;
    if (!net::send_frames(*dealer_, proto::encode_client(command, id, body), true)) return 0;
    outstanding_ = id;
    outstanding_command_ = command;
    sent_at_ = Clock::now();
    return id;
  }

  // A reply that belongs to the outstanding request, if one arrived.
  std::optional<std::pair<proto::Command, proto::Reply>> take_reply(std::string& error) {
    proto::Frames frames;
    while (net::recv_frames(*dealer_, frames)) {
      proto::ClientMessage msg;
      proto::Reply reply;
      proto::Status s = proto::decode_client(frames, msg);
      if (s.ok() && msg.command != proto::Command::kReply) {
        s = proto::Status::error(proto::ErrorCode::kMalformed, "expected a reply, got {}",
                                 proto::to_string(msg.command));
      }
      if (s.ok()) s = proto::unpack(msg.body, reply);
      if (!s.ok()) {
        error = fmt::format("bad reply from the broker: {}", s.message);
        continue;
      }
      if (msg.request_id != outstanding_) continue;  // a late reply to a request we gave up on
      outstanding_ = 0;
      last_reply_ = Clock::now();
      return std::make_pair(outstanding_command_, std::move(reply));
    }
    return std::nullopt;
  }

  // No reply within the timeout: drop the socket (and whatever it queued) and open a fresh one.
  bool expire(Clock::time_point now) {
    if (outstanding_ == 0 || now - sent_at_ < milliseconds(options_.timeout_ms)) return false;
    outstanding_ = 0;
    open_dealer();
    return true;
  }

  bool busy() const { return outstanding_ != 0; }
  proto::Command outstanding_command() const { return outstanding_command_; }
  // How long the broker has been silent (0 while it answers).
  Clock::duration silence(Clock::time_point now, Clock::time_point started) const {
    const auto since = last_reply_ ? *last_reply_ : started;
    const auto silent = now - since;
    return silent > milliseconds(options_.timeout_ms) ? silent : Clock::duration::zero();
  }

 private:
  void open_dealer() {
    dealer_ = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::dealer);
    net::configure_socket(*dealer_);
    try {
      dealer_->connect(options_.broker);
    } catch (const zmq::error_t& e) {
      KTRDR_FAIL("cannot use broker endpoint '{}': {} (expected e.g. tcp://host:5555; set --broker or {})",
                 options_.broker, e.what(), client::kBrokerEnv);
    }
  }

  zmq::context_t& ctx_;
  const client::ClientOptions& options_;
  std::unique_ptr<zmq::socket_t> dealer_, sub_;
  uint64_t next_id_ = 0;
  uint64_t outstanding_ = 0;
  proto::Command outstanding_command_ = proto::Command::kList;
  Clock::time_point sent_at_{};
  std::optional<Clock::time_point> last_reply_;
};

// Reads every queued feed message into the state; returns how many arrived.
std::size_t drain_feed(zmq::socket_t& sub, TopState& state) {
  std::size_t n = 0;
  proto::Frames frames;
  while (net::recv_frames(sub, frames)) {
    proto::PubMessage msg;
    if (!proto::decode_pub(frames, msg).ok()) continue;
    if (msg.command == proto::Command::kProgress) {
      proto::Progress p;
      if (proto::unpack(msg.body, p).ok()) state.on_progress(p, now_ns()), ++n;
    } else if (msg.command == proto::Command::kOpEvent) {
      proto::OpEvent e;
      if (proto::unpack(msg.body, e).ok()) state.on_event(e, now_ns()), ++n;
    }
  }
  return n;
}

std::string join_lines(const std::vector<std::string>& lines, const char* eol) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += lines[i];
    if (i + 1 < lines.size()) out += eol;
  }
  return out;
}

std::pair<int, int> stdout_size() {
  winsize ws{};
  if (::isatty(STDOUT_FILENO) == 1 && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    return {ws.ws_col, ws.ws_row};
  }
  const char* c = std::getenv("COLUMNS");
  const int cols = c != nullptr && std::atoi(c) > 0 ? std::atoi(c) : 120;
  return {cols, 0};  // rows 0: as many as needed
}

// --once: wait for one list reply (and what the feed says meanwhile), print one frame, exit.
int run_once(const client::ClientOptions& options, const TopOptions& top) {
  zmq::context_t ctx;
  FleetLink link(ctx, options);
  TopState state;
  const auto started = Clock::now();
  proto::ListRequest list;
  list.limit = top.limit;
  link.request(proto::Command::kList, list);
  std::string error;
  bool answered = false;
  while (!answered && Clock::now() - started < milliseconds(options.timeout_ms)) {
    zmq::pollitem_t items[] = {{link.dealer().handle(), 0, ZMQ_POLLIN, 0},
                               {link.sub().handle(), 0, ZMQ_POLLIN, 0}};
    zmq::poll(items, 2, milliseconds(50));
    drain_feed(link.sub(), state);
    if (auto r = link.take_reply(error)) {
      state.on_list_reply(r->second, now_ns());
      answered = true;
    }
  }
  TopViewContext view;
  std::tie(view.cols, view.rows) = stdout_size();
  view.color = false;
  view.now_ns = now_ns();
  view.broker_endpoint = options.broker;
  view.progress_endpoint = options.progress;
  if (!answered)
    view.broker_silent_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started).count();
  view.status = error;
  std::vector<std::string> lines = render_top(state, view);
  for (auto& line : lines) line.erase(line.find_last_not_of(' ') + 1);  // padding is for the screen only
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  std::cout << join_lines(lines, "\n") << "\n";
  if (!answered) {
    log::error("top: no reply from the broker at {} within {} ms", options.broker, options.timeout_ms);
    return to_int(ExitCode::kUnreachable);
  }
  return 0;
}

int run_interactive(const client::ClientOptions& options, const TopOptions& top) {
  zmq::context_t ctx;
  FleetLink link(ctx, options);
  TopState state;
  TopTerminal term;
  const auto started = Clock::now();
  auto next_list = started;
  auto last_draw = Clock::time_point{};
  bool dirty = true;
  std::string status;
  std::optional<std::string> confirm_cancel;  // op id waiting for y/n
  std::optional<std::string> pending_cancel;  // sent as soon as the link is free
  proto::ListRequest list;
  list.limit = top.limit;

  while (!TopTerminal::quit_requested()) {
    auto now = Clock::now();
    if (term.resume_if_continued()) dirty = true;
    if (link.expire(now)) dirty = true;
    if (pending_cancel && !link.busy()) {
      proto::CancelRequest cancel;
      cancel.op_id = *pending_cancel;
      cancel.reason = "cancelled from ktrdr-submit top";
      if (link.request(proto::Command::kCancel, cancel) != 0) pending_cancel.reset();
    }
    if (now >= next_list && !link.busy()) {
      link.request(proto::Command::kList, list);
      next_list = now + milliseconds(top.interval_ms);
    }

    zmq::pollitem_t items[] = {{link.dealer().handle(), 0, ZMQ_POLLIN, 0},
                               {link.sub().handle(), 0, ZMQ_POLLIN, 0},
                               {nullptr, STDIN_FILENO, ZMQ_POLLIN, 0}};
    try {
      zmq::poll(items, 3, milliseconds(100));
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) throw;
    }
    if (drain_feed(link.sub(), state) > 0) dirty = true;
    std::string error;
    while (auto r = link.take_reply(error)) {
      const auto& [command, reply] = *r;
      if (command == proto::Command::kList) {
        state.on_list_reply(reply, now_ns());
      } else if (command == proto::Command::kCancel) {
        status = reply.code == proto::ErrorCode::kOk
                     ? fmt::format("cancel requested for {}", reply.op_id.empty() ? "the job" : reply.op_id)
                     : fmt::format("cancel refused: {}", reply.message);
        next_list = Clock::now();  // show the new state at once
      }
      dirty = true;
    }
    if (!error.empty()) status = error, dirty = true;

    // keys
    const std::string input = term.read_input();
    for (std::size_t pos = 0; pos < input.size();) {
      const auto [key, used] = parse_key(input, pos);
      pos += used;
      dirty = true;
      if (confirm_cancel) {
        if (key.key == Key::kChar && (key.ch == 'y' || key.ch == 'Y')) {
          pending_cancel = *confirm_cancel;
          status = fmt::format("cancelling {} ...", *confirm_cancel);
        } else {
          status = "cancel aborted";
        }
        confirm_cancel.reset();
        continue;
      }
      if (key.key == Key::kChar && (key.ch == 'q' || key.ch == 'Q')) return 0;
      if (key.key == Key::kUp || (key.key == Key::kChar && key.ch == 'k')) state.select_previous();
      if (key.key == Key::kDown || (key.key == Key::kChar && key.ch == 'j')) state.select_next();
      const auto all_rows = static_cast<std::ptrdiff_t>(state.jobs().size());
      if (key.key == Key::kPageUp) state.move_selection(-10);
      if (key.key == Key::kPageDown) state.move_selection(10);
      if (key.key == Key::kHome) state.move_selection(-all_rows);
      if (key.key == Key::kEnd) state.move_selection(all_rows);
      if (key.key == Key::kChar && key.ch == 'c') {
        const proto::OperationInfo* sel = state.selected();
        if (sel == nullptr) {
          status = "select a job first (j/k or arrows)";
        } else if (proto::is_terminal(sel->state)) {
          status = fmt::format("{} is already {}", sel->op_id, proto::to_string(sel->state));
        } else {
          confirm_cancel = sel->op_id;
        }
      }
    }

    now = Clock::now();
    if (TopTerminal::take_resized()) dirty = true;
    if (dirty && now - last_draw >= milliseconds(100)) {
      TopViewContext view;
      std::tie(view.cols, view.rows) = term.size();
      view.color = std::getenv("NO_COLOR") == nullptr;
      view.now_ns = now_ns();
      view.broker_endpoint = options.broker;
      view.progress_endpoint = options.progress;
      view.broker_silent_ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(link.silence(now, started)).count();
      view.status = confirm_cancel ? fmt::format("cancel {}? [y/N]", *confirm_cancel) : status;
      term.draw(join_lines(render_top(state, view), "\r\n"));
      last_draw = now;
      dirty = false;
    }
    // the clock, "seen" ages and silence counters move even without events
    if (now - last_draw >= milliseconds(1000)) dirty = true;
  }
  return 0;
}

int run_top(client::ClientOptions& options, const std::vector<std::string>& args) {
  TopOptions top;
  po::options_description own("top options");
  own.add_options()                                                                                 //
      ("interval-ms", po::value(&top.interval_ms)->default_value(1000), "ask the broker every MS")  //
      ("limit", po::value(&top.limit)->default_value(200), "operations to fetch (newest first)")    //
      ("once", po::bool_switch(&top.once), "print one frame to stdout and exit (scripts, tests)");
  po::variables_map vm;
  if (auto rc = parse_command(args, kTopUsage, own, {}, options, vm)) return *rc;
  if (top.interval_ms < 50) {
    log::error("top: --interval-ms must be >= 50 (got {})", top.interval_ms);
    return to_int(ExitCode::kUsage);
  }
  return guarded([&] { return top.once ? run_once(options, top) : run_interactive(options, top); });
}

}  // namespace

int top_command(client::ClientOptions& options, const std::vector<std::string>& args) {
  return run_top(options, args);
}

int top_command(int argc, char** argv) {
  client::ClientOptions options = client::ClientOptions::from_env();
  std::vector<std::string> args(argv, argv + argc);
  if (args.empty()) args.emplace_back("top");
  return run_top(options, args);
}

}  // namespace ktrdr::cli
