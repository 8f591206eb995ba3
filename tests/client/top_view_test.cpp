// render_top / fit_line: the dashboard's screen for a known state at a fixed size, without colours unless a
// case is about them. Expected lines are written out column by column (see the format in top_view.cpp).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "ktrdr/common/time.h"
#include "top_state.h"
#include "top_view.h"

using namespace ktrdr;
using cli::fit_line;
using cli::render_top;
using cli::TopState;
using cli::TopViewContext;
using proto::OpState;
using proto::WorkerState;

namespace {

constexpr int64_t kSecond = kNanosPerSecond;
// 2026-01-15 10:20:30 UTC
const int64_t kNow = (days_from_civil(2026, 1, 15) * 86400 + 10 * 3600 + 20 * 60 + 30) * kSecond;

const std::string kOpA = "op_backtesting_20260115_101500_1a2b3c4d";
const std::string kOpB = "op_backtesting_20260115_101600_deadbeef";
const std::string kOpC = "op_backtesting_20260115_090000_cafef00d";

proto::WorkerInfo worker(const std::string& id, WorkerState state, const std::string& op_id,
                         int64_t heartbeat_ns, uint64_t jobs_done) {
  proto::WorkerInfo w;
  w.worker_id = id;
  w.state = state;
  w.op_id = op_id;
  w.last_heartbeat_ns = heartbeat_ns;
  w.jobs_done = jobs_done;
  return w;
}

// A running job on w1 (42%, 1.77M bars/s, ETA 1:01, P&L +234.50, 12 trades), a pending one that names only a
// model, and one that failed 10 minutes ago at 63.5%. Three workers: busy, idle, dead.
proto::Reply sample_reply() {
  proto::Reply r;
  proto::OperationInfo a;
  a.op_id = kOpA;
  a.state = OpState::kRunning;
  a.job.strategy = "trend_mlp";
  a.job.symbol = "EURUSD";
  a.job.timeframe = "1h";
  a.created_ns = kNow - 300 * kSecond;
  a.worker_id = "w1";
  a.progress.op_id = kOpA;
  a.progress.attempt = 1;
  a.progress.seq = 7;
  a.progress.bars_total = 1000;
  a.progress.bars_done = 420;
  a.progress.percentage = 42.0;
  a.progress.bars_per_second = 1'770'000.0;
  a.progress.eta_seconds = 61.0;
  a.progress.pnl = 234.5;
  a.progress.trades = 12;

  proto::OperationInfo b;
  b.op_id = kOpB;
  b.state = OpState::kPending;
  b.job.model = "models/x";
  b.job.timeframe = "4h";
  b.created_ns = kNow - 200 * kSecond;

  proto::OperationInfo c;
  c.op_id = kOpC;
  c.state = OpState::kFailed;
  c.job.strategy = "a_very_long_strategy_name";
  c.job.symbol = "BTCUSD";
  c.job.timeframe = "15m";
  c.created_ns = kNow - 3000 * kSecond;
  c.finished_ns = kNow - 600 * kSecond;
  c.progress.seq = 5;
  c.progress.bars_total = 2000;
  c.progress.percentage = 63.5;
  c.progress.bars_per_second = 5000;
  c.progress.eta_seconds = 30;
  c.progress.pnl = -50.25;
  c.progress.trades = 4;
  c.errors = {"worker w2 lost: no heartbeat for 10 s"};

  r.operations = {c, b, a};
  r.fleet.workers = {worker("w1", WorkerState::kBusy, kOpA, kNow - 2'500'000'000, 3),
                     worker("w2", WorkerState::kIdle, "", kNow - 75 * kSecond, 0),
                     worker("w3", WorkerState::kDead, "", 0, 7)};
  r.fleet.queue_length = 1;
  r.fleet.running = 1;
  r.fleet.operations = 3;
  r.fleet.broker_started_ns = kNow - 3725 * kSecond;
  return r;
}

TopViewContext plain_context(int cols, int rows) {
  TopViewContext ctx;
  ctx.cols = cols;
  ctx.rows = rows;
  ctx.color = false;
  ctx.now_ns = kNow;
  ctx.broker_endpoint = "tcp://b:5555";
  ctx.progress_endpoint = "tcp://b:5558";
  return ctx;
}

std::string pad(const std::string& s, std::size_t cols) {
  return s + std::string(cols - s.size(), ' ');
}

// The line without its padding, to compare the written part only.
std::string trimmed(std::string s) {
  s.erase(s.find_last_not_of(' ') + 1);
  return s;
}

std::size_t visible_width(const std::string& line) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\x1b') {
      while (i < line.size() && !(line[i] >= 0x40 && line[i] <= 0x7e && line[i] != '[')) ++i;
      continue;
    }
    if ((static_cast<unsigned char>(line[i]) & 0xc0) != 0x80) ++n;
  }
  return n;
}

// Expected rows, column by column.
const std::string kWorkerHeader =
    "  WORKER                 STATE JOB                      PROGRESS                       BARS/S      ETA  "
    "DONE     SEEN";
const std::string kWorkerW1 =
    "  w1                     busy  20260115_101500_1a2b3c4d [########............]  42.0%   1.77M     1:01  "
    "   3     2.5s";
const std::string kWorkerW2 =
    "  w2                     idle  -                                                            -        -  "
    "   0     1:15";
const std::string kWorkerW3 =
    "  w3                     dead  -                                                            -        -  "
    "   7        -";
// 120 columns: the job progress bar is 120 - 106 = 14 characters wide
const std::string kJobHeader =
    "  OPERATION                STATE     STRATEGY     SYMBOL TF  PROGRESS                 BARS/S      ETA   "
    "      P&L TRADES";
const std::string kJobA =
    "20260115_101500_1a2b3c4d running   trend_mlp    EURUSD 1h  [######........]  42.0%   1.77M     1:01     "
    "+234.50     12";
const std::string kJobB =
    "20260115_101600_deadbeef pending   models/x     * 4h       [..............]   0.0%       -        -     "
    "      -      -";
const std::string kJobC =
    "20260115_090000_cafef00d failed    a_very_long~ BTCUSD 15m [#########.....]  63.5%       -        -     "
    " -50.25      4";

}  // namespace

TEST_CASE(
    "top view: a known fleet at 120x0 renders header and workers and jobs and failures and keys exactly") {
  TopState state;
  state.on_list_reply(sample_reply(), kNow);
  const std::vector<std::string> lines = render_top(state, plain_context(120, 0));
  const std::vector<std::string> expected = {
      pad(" ktrdr top   broker tcp://b:5555   feed tcp://b:5558", 107) + "10:20:30 UTC ",
      " workers 3 (1 busy, 1 idle, 1 dead)   queue 1   running 1   operations 3   up 1:02:05",
      "",
      " WORKERS (3)",
      kWorkerHeader,
      kWorkerW1,
      kWorkerW2,
      kWorkerW3,
      "",
      " JOBS (3 shown, 1 queued)",
      kJobHeader,
      "  " + kJobA,
      "  " + kJobB,
      "  " + kJobC,
      "",
      " RECENT FAILURES",
      "  10:10:30 20260115_090000_cafef00d worker w2 lost: no heartbeat for 10 s",
      " q quit  j/k or arrows select  c cancel",
  };
  REQUIRE(lines.size() == expected.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    CAPTURE(i);
    CHECK(lines[i].size() == 120);  // padded to the width: no colours, ASCII only
    CHECK(trimmed(lines[i]) == trimmed(expected[i]));
  }
}

TEST_CASE("top view: the selected job is marked and named in full in the footer") {
  TopState state;
  state.on_list_reply(sample_reply(), kNow);
  state.select_next();
  state.select_next();
  const std::vector<std::string> lines = render_top(state, plain_context(120, 0));
  REQUIRE(lines.size() == 18);
  CHECK(trimmed(lines[11]) == "  " + kJobA);
  CHECK(trimmed(lines[12]) == "> " + kJobB);
  CHECK(trimmed(lines[17]) == " q quit  j/k or arrows select  c cancel   selected " + kOpB);

  TopViewContext ctx = plain_context(120, 0);
  ctx.status = "cancel " + kOpB + "? [y/N]";  // a status message takes the footer's place
  CHECK(trimmed(render_top(state, ctx)[17]) ==
        " q quit  j/k or arrows select  c cancel   cancel " + kOpB + "? [y/N]");
}

TEST_CASE("top view: exactly ctx.rows lines with the failures and keys at the bottom") {
  TopState state;
  state.on_list_reply(sample_reply(), kNow);
  const std::vector<std::string> lines = render_top(state, plain_context(120, 24));
  REQUIRE(lines.size() == 24);
  CHECK(trimmed(lines[13]) == "  " + kJobC);
  for (std::size_t i = 14; i <= 20; ++i) CHECK(trimmed(lines[i]).empty());
  CHECK(trimmed(lines[21]) == " RECENT FAILURES");
  CHECK(trimmed(lines[22]) == "  10:10:30 20260115_090000_cafef00d worker w2 lost: no heartbeat for 10 s");
  CHECK(trimmed(lines[23]) == " q quit  j/k or arrows select  c cancel");
}

TEST_CASE("top view: too many jobs for the height scroll to keep the selection visible") {
  proto::Reply reply;
  for (int i = 0; i < 6; ++i) {
    proto::OperationInfo op;
    op.op_id = fmt::format("op{}", i);
    op.state = OpState::kPending;
    op.created_ns = i;
    reply.operations.push_back(op);
  }
  TopState state;
  state.on_list_reply(reply, kNow);
  // 15 rows: header 3 + workers 3 + blank + jobs title/header 2, then blank + failures 2 + keys 1: 2 job rows
  std::vector<std::string> lines = render_top(state, plain_context(120, 15));
  REQUIRE(lines.size() == 15);
  CHECK(trimmed(lines[5]) == "  (no workers connected)");
  CHECK(trimmed(lines[7]) == " JOBS (1-2 of 6 shown, 0 queued)");
  CHECK(trimmed(lines[9]).substr(0, 12) == "  op0       ");
  CHECK(trimmed(lines[10]).substr(0, 12) == "  op1       ");
  CHECK(trimmed(lines[11]).empty());
  CHECK(trimmed(lines[12]) == " RECENT FAILURES");
  CHECK(trimmed(lines[13]) == "  (none)");
  CHECK(trimmed(lines[14]) == " q quit  j/k or arrows select  c cancel");

  for (int i = 0; i < 5; ++i) state.select_next();  // op4 selected: rows op3, op4
  lines = render_top(state, plain_context(120, 15));
  REQUIRE(lines.size() == 15);
  CHECK(trimmed(lines[7]) == " JOBS (4-5 of 6 shown, 0 queued)");
  CHECK(trimmed(lines[9]).substr(0, 5) == "  op3");
  CHECK(trimmed(lines[10]).substr(0, 5) == "> op4");
  CHECK(trimmed(lines[14]) == " q quit  j/k or arrows select  c cancel   selected op4");
}

TEST_CASE("top view: a narrow terminal cuts every line to its width") {
  TopState state;
  state.on_list_reply(sample_reply(), kNow);
  const std::vector<std::string> lines = render_top(state, plain_context(60, 0));
  REQUIRE(lines.size() == 18);
  for (const auto& line : lines) CHECK(line.size() == 60);
  // the title keeps 60 - 13 columns, then the clock
  CHECK(lines[0] == std::string(" ktrdr top   broker tcp://b:5555   feed tcp://b") + "10:20:30 UTC ");
  CHECK(lines[5] == kWorkerW1.substr(0, 60));
  // the progress bar shrinks to its minimum (6) and the row is cut after the symbol column
  CHECK(lines[11] == "  20260115_101500_1a2b3c4d running   trend_mlp    EURUSD 1h ");
}

TEST_CASE("top view: with colours every line still has exactly the terminal's visible width") {
  TopState state;
  state.on_list_reply(sample_reply(), kNow);
  state.select_next();
  TopViewContext ctx = plain_context(120, 30);
  ctx.color = true;
  const std::vector<std::string> lines = render_top(state, ctx);
  REQUIRE(lines.size() == 30);
  for (const auto& line : lines) CHECK(visible_width(line) == 120);
  CHECK(lines[0].rfind("\x1b[30;46m ktrdr top   broker tcp://b:5555", 0) == 0);
  CHECK(lines[5].find("\x1b[32mbusy \x1b[0m") != std::string::npos);
  CHECK(lines[7].find("\x1b[31mdead \x1b[0m") != std::string::npos);
  CHECK(lines[11].rfind("\x1b[7m> 20260115_101500_1a2b3c4d \x1b[32mrunning  \x1b[0m", 0) == 0);
  CHECK(lines[13].find("\x1b[31m     -50.25\x1b[0m") != std::string::npos);
}

TEST_CASE("top view: before the first reply the header says it waits and a silent broker is flagged") {
  TopState state;
  TopViewContext ctx = plain_context(120, 0);
  ctx.broker_silent_ns = 12'400'000'000;
  const std::vector<std::string> lines = render_top(state, ctx);
  REQUIRE(lines.size() >= 13);
  CHECK(trimmed(lines[1]) == " waiting for the broker at tcp://b:5555 ...   BROKER NOT ANSWERING (12s)");
  CHECK(trimmed(lines[3]) == " WORKERS (0)");
  CHECK(trimmed(lines[5]) == "  (no workers connected)");
  CHECK(trimmed(lines[7]) == " JOBS (0 shown, 0 queued)");
  CHECK(trimmed(lines[9]) == "  (no operations yet: ktrdr-submit backtest ...)");
}

TEST_CASE("top view: bars/s switch units where the rounded value does and ETA reads h:mm:ss") {
  struct Case {
    double bars_per_second;
    double eta_seconds;
    const char* bps_text;
    const char* eta_text;
  };
  const std::vector<Case> cases = {
      {1'770'000.0, 61.0, "1.77M", "1:01"},
      {85'240.0, 3725.0, "85.2k", "1:02:05"},
      {999.0, 0.4, "999", "0:00"},
      {999.7, 59.5, "1.0k", "1:00"},
      {999'960.0, -1.0, "1.00M", "--:--"},
      {12'345'678.0, 1e9, "12.35M", "--:--"},
      {0.0, 5.0, "-", "0:05"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.bars_per_second);
    proto::Reply r = sample_reply();
    r.operations[2].progress.bars_per_second = c.bars_per_second;  // kOpA, on w1
    r.operations[2].progress.eta_seconds = c.eta_seconds;
    TopState state;
    state.on_list_reply(r, kNow);
    const std::vector<std::string> lines = render_top(state, plain_context(120, 0));
    REQUIRE(lines.size() == 18);
    // worker row: BARS/S is columns 86..92, ETA 94..101; job row: BARS/S 85..91, ETA 93..100
    CHECK(lines[5].substr(86, 16) == fmt::format("{:>7} {:>8}", c.bps_text, c.eta_text));
    CHECK(lines[11].substr(85, 16) == fmt::format("{:>7} {:>8}", c.bps_text, c.eta_text));
  }
}

TEST_CASE("top view: a terminal narrower than 40 columns still gets lines no wider than itself") {
  TopState state;
  state.on_list_reply(sample_reply(), kNow);
  const std::vector<std::string> lines = render_top(state, plain_context(30, 18));
  REQUIRE(lines.size() == 18);
  for (const auto& line : lines) CHECK(line.size() == 30);
  CHECK(lines[5] == kWorkerW1.substr(0, 30));
}

TEST_CASE("top view: a multi-line failure message stays on its one screen line") {
  proto::Reply r = sample_reply();
  r.operations[0].errors = {"model load failed:\n  no such file\tmodel.pt"};
  TopState state;
  state.on_list_reply(r, kNow);
  const std::vector<std::string> lines = render_top(state, plain_context(120, 0));
  REQUIRE(lines.size() == 18);
  CHECK(trimmed(lines[16]) ==
        "  10:10:30 20260115_090000_cafef00d model load failed:   no such file model.pt");
  for (const auto& line : lines) CHECK(line.find_first_of("\n\r\t") == std::string::npos);
}

TEST_CASE("fit_line: pads or cuts to the width counting characters and not bytes or escape sequences") {
  CHECK(fit_line("abc", 5) == "abc  ");
  CHECK(fit_line("abcdef", 3) == "abc");
  CHECK(fit_line("", 2) == "  ");
  CHECK(fit_line("h\xc3\xa9llo w\xc3\xb6rld", 7) == "h\xc3\xa9llo w");  // "héllo wörld": é is one column
  CHECK(fit_line("\xe2\x96\x88\xe2\x96\x88", 3) == "\xe2\x96\x88\xe2\x96\x88 ");  // "██" + one space
  // a colour sequence is copied, not counted; a styled line ends with a reset
  CHECK(fit_line("\x1b[31mred\x1b[0m text", 5) == "\x1b[31mred\x1b[0m t\x1b[0m");
  // cut inside a colour: the sequences after the cut are still copied, so the colour is closed
  CHECK(fit_line("\x1b[31mredred\x1b[0m", 3) == "\x1b[31mred\x1b[0m\x1b[0m");
  // control characters would move the cursor: each becomes one space
  CHECK(fit_line("a\nb\tc\rd", 8) == "a b c d ");
}
