// Protocol codec: every message round-trips; malformed, truncated, oversized and wrong-version input is
// reported as an error, never a crash.
#include <doctest/doctest.h>

#include <random>

#include "ktrdr/proto/codec.h"

using namespace ktrdr::proto;

namespace {

// The wire form of JobSpec and Checkpoint before Mode, CheckpointReason and TradingCosts existed: the
// protocol must not have changed (version 1 peers, operations stored by an older broker).
struct WireJobSpecV1 {
  std::string job_type = "backtest";
  std::string strategy;
  std::string model;
  uint32_t model_version = 0;
  std::string symbol;
  std::string timeframe;
  std::string start_date;
  std::string end_date;
  double initial_capital = 100000.0;
  double commission = 0.001;
  double slippage = 0.0005;
  double position_fraction = 0.25;
  std::string mode = "corrected";
  MSGPACK_DEFINE_MAP(job_type, strategy, model, model_version, symbol, timeframe, start_date, end_date,
                     initial_capital, commission, slippage, position_fraction, mode)
};
struct WireCheckpointV1 {
  std::string op_id;
  uint32_t attempt = 0;
  uint64_t seq = 0;
  uint64_t bar_index = 0;
  std::string reason;
  std::string blob;
  MSGPACK_DEFINE_MAP(op_id, attempt, seq, bar_index, reason, blob)
};

const std::string kOp = "op_backtesting_20240102_030405_0a1b2c3d";

JobSpec sample_job() {
  JobSpec j;
  j.strategy = "trend";
  j.model = "trend/1h_v3";
  j.model_version = 3;
  j.symbol = "EURUSD";
  j.timeframe = "1h";
  j.start_date = "2024-01-01";
  j.end_date = "2024-06-30";
  j.costs.initial_capital = 50000;
  j.costs.commission = 0.002;
  j.costs.slippage = 0.0001;
  j.costs.position_fraction = 0.5;
  j.mode = ktrdr::Mode::kKtrdr;
  return j;
}

Progress sample_progress() {
  Progress p;
  p.op_id = kOp;
  p.worker_id = "w1";
  p.attempt = 2;
  p.seq = 17;
  p.percentage = 42.5;
  p.bars_done = 425;
  p.bars_total = 1000;
  p.bar_index = 475;
  p.current_ts_ns = 1704164645000000000;
  p.current_date = "2024-01-02T03:04:05Z";
  p.equity = 101234.5;
  p.pnl = 1234.5;
  p.trades = 7;
  p.win_rate = 0.571;
  p.bars_per_second = 12345.0;
  p.eta_seconds = 0.05;
  return p;
}

template <typename T>
T round_trip(const T& in) {
  T out;
  const Status s = unpack(pack(in), out);
  REQUIRE_MESSAGE(s.ok(), s.message);
  return out;
}

void check_job(const JobSpec& a, const JobSpec& b) {
  CHECK(a.job_type == b.job_type);
  CHECK(a.strategy == b.strategy);
  CHECK(a.model == b.model);
  CHECK(a.model_version == b.model_version);
  CHECK(a.symbol == b.symbol);
  CHECK(a.timeframe == b.timeframe);
  CHECK(a.start_date == b.start_date);
  CHECK(a.end_date == b.end_date);
  CHECK(a.costs.initial_capital == b.costs.initial_capital);
  CHECK(a.costs.commission == b.costs.commission);
  CHECK(a.costs.slippage == b.costs.slippage);
  CHECK(a.costs.position_fraction == b.costs.position_fraction);
  CHECK(a.mode == b.mode);
}

void check_progress(const Progress& a, const Progress& b) {
  CHECK(a.op_id == b.op_id);
  CHECK(a.worker_id == b.worker_id);
  CHECK(a.attempt == b.attempt);
  CHECK(a.seq == b.seq);
  CHECK(a.percentage == b.percentage);
  CHECK(a.bars_done == b.bars_done);
  CHECK(a.bars_total == b.bars_total);
  CHECK(a.bar_index == b.bar_index);
  CHECK(a.current_ts_ns == b.current_ts_ns);
  CHECK(a.current_date == b.current_date);
  CHECK(a.equity == b.equity);
  CHECK(a.pnl == b.pnl);
  CHECK(a.trades == b.trades);
  CHECK(a.win_rate == b.win_rate);
  CHECK(a.bars_per_second == b.bars_per_second);
  CHECK(a.eta_seconds == b.eta_seconds);
}

}  // namespace

TEST_CASE("op ids follow op_backtesting_YYYYmmdd_HHMMSS_<8 hex>") {
  CHECK(make_op_id(0, 0xdeadbeef) == "op_backtesting_19700101_000000_deadbeef");
  CHECK(make_op_id(1704164645123456789, 0x1) == "op_backtesting_20240102_030405_00000001");
  CHECK(is_valid_op_id(kOp));
  CHECK_FALSE(is_valid_op_id(""));
  CHECK_FALSE(is_valid_op_id("op_backtesting_20240102_030405_0A1B2C3D"));  // upper-case hex
  CHECK_FALSE(is_valid_op_id("op_backtesting_2024010_030405_0a1b2c3d0"));
  CHECK_FALSE(is_valid_op_id("../../etc/passwd"));
}

TEST_CASE("client messages round-trip through frames and bodies") {
  StartRequest start{sample_job(), "key-1"};
  Frames f = encode_client(Command::kStart, 987654321, start);
  REQUIRE(f.size() == 6);
  CHECK(f[0].empty());
  CHECK(f[1] == "KTC");
  CHECK(f[2] == "1");
  ClientMessage m;
  REQUIRE(decode_client(f, m).ok());
  CHECK(m.command == Command::kStart);
  CHECK(m.request_id == 987654321u);
  StartRequest back;
  REQUIRE(unpack(m.body, back).ok());
  check_job(back.job, start.job);
  CHECK(back.client_key == "key-1");

  CHECK(round_trip(ResumeRequest{kOp}).op_id == kOp);
  CHECK(round_trip(StatusRequest{kOp}).op_id == kOp);
  CHECK(round_trip(StatusRequest{}).op_id.empty());
  ListRequest list{{OpState::kRunning, OpState::kResuming}, 50, 10};
  ListRequest lb = round_trip(list);
  CHECK(lb.states == list.states);
  CHECK(lb.limit == 50);
  CHECK(lb.offset == 10);
  CancelRequest cancel{kOp, "user pressed ctrl-c"};
  CHECK(round_trip(cancel).reason == cancel.reason);
  CHECK(round_trip(ResultsRequest{kOp}).op_id == kOp);
}

TEST_CASE("reply round-trips with operations, fleet and result") {
  Reply r;
  r.code = ErrorCode::kNotReady;
  r.message = "not yet";
  r.op_id = kOp;
  OperationInfo op;
  op.op_id = kOp;
  op.state = OpState::kResuming;
  op.job = sample_job();
  op.created_ns = 1;
  op.started_ns = 2;
  op.finished_ns = 3;
  op.attempts = 2;
  op.worker_id = "w1";
  op.progress = sample_progress();
  op.errors = {"attempt 1: worker lost"};
  op.checkpoint_bar = 9000;
  op.has_checkpoint = true;
  r.operations.push_back(op);
  r.fleet.workers.push_back(WorkerInfo{"w1", WorkerState::kBusy, kOp, 5, 4, 3, {"backtest"}});
  r.fleet.queue_length = 4;
  r.fleet.running = 1;
  r.fleet.operations = 9;
  r.result_json = R"({"summary":{}})";
  Frames f = encode_reply(42, r);
  ClientMessage m;
  REQUIRE(decode_client(f, m).ok());
  CHECK(m.command == Command::kReply);
  CHECK(m.request_id == 42);
  Reply b;
  REQUIRE(unpack(m.body, b).ok());
  CHECK(b.code == ErrorCode::kNotReady);
  CHECK(b.message == "not yet");
  REQUIRE(b.operations.size() == 1);
  const OperationInfo& o = b.operations[0];
  CHECK(o.state == OpState::kResuming);
  check_job(o.job, op.job);
  check_progress(o.progress, op.progress);
  CHECK(o.attempts == 2);
  CHECK(o.errors == op.errors);
  CHECK(o.checkpoint_bar == 9000);
  CHECK(o.has_checkpoint);
  CHECK_FALSE(o.has_result);
  CHECK(o.finished_ns == 3);
  REQUIRE(b.fleet.workers.size() == 1);
  CHECK(b.fleet.workers[0].worker_id == "w1");
  CHECK(b.fleet.workers[0].state == WorkerState::kBusy);
  CHECK(b.fleet.workers[0].op_id == kOp);
  CHECK(b.fleet.workers[0].last_heartbeat_ns == 5);
  CHECK(b.fleet.queue_length == 4);
  CHECK(b.result_json == r.result_json);
}

TEST_CASE("worker messages round-trip") {
  WorkerReady ready{"worker-1", {"backtest", "noop"}, kOp, 2, 500};
  Frames f = encode_worker(Command::kReady, ready);
  REQUIRE(f.size() == 5);
  CHECK(f[1] == "KTW");
  WorkerMessage m;
  REQUIRE(decode_worker(f, m).ok());
  CHECK(m.command == Command::kReady);
  WorkerReady rb;
  REQUIRE(unpack(m.body, rb).ok());
  CHECK(rb.worker_id == "worker-1");
  CHECK(rb.capabilities == ready.capabilities);
  CHECK(rb.current_op == kOp);
  CHECK(rb.current_attempt == 2);
  CHECK(rb.heartbeat_interval_ms == 500);

  std::string blob("\x00\xff\x01binary\x00", 10);
  Job job{kOp, 3, sample_job(), blob, 1234};
  Job jb = round_trip(job);
  CHECK(jb.op_id == kOp);
  CHECK(jb.attempt == 3);
  check_job(jb.job, job.job);
  CHECK(jb.checkpoint == blob);
  CHECK(jb.checkpoint_bar == 1234);

  CHECK(round_trip(Heartbeat{kOp}).op_id == kOp);
  check_progress(round_trip(sample_progress()), sample_progress());

  Checkpoint ck{kOp, 2, 5, 777, CheckpointReason::kCancel, blob};
  Checkpoint cb = round_trip(ck);
  CHECK(cb.seq == 5);
  CHECK(cb.bar_index == 777);
  CHECK(cb.reason == CheckpointReason::kCancel);
  CHECK(cb.blob == blob);

  JobResult res{kOp, 1, R"({"a":1})", sample_progress()};
  JobResult rr = round_trip(res);
  CHECK(rr.result_json == res.result_json);
  check_progress(rr.last_progress, res.last_progress);

  JobFailure fail{kOp, 2, ErrorCode::kRefused, "outside root", false};
  JobFailure fb = round_trip(fail);
  CHECK(fb.code == ErrorCode::kRefused);
  CHECK(fb.message == "outside root");
  CHECK_FALSE(fb.retryable);

  CHECK(round_trip(Disconnect{"bye", kOp}).op_id == kOp);
  CHECK(round_trip(CancelJob{kOp, "why"}).reason == "why");
}

TEST_CASE("pub messages: topic is the op id") {
  Frames f = encode_progress(sample_progress());
  REQUIRE(f.size() == 5);
  CHECK(f[0] == kOp);
  PubMessage m;
  REQUIRE(decode_pub(f, m).ok());
  CHECK(m.command == Command::kProgress);
  CHECK(m.topic == kOp);
  Progress p;
  REQUIRE(unpack(m.body, p).ok());
  check_progress(p, sample_progress());

  OpEvent e{kOp, OpState::kCompleted, "w1", "done", 99};
  Frames fe = encode_op_event(e);
  REQUIRE(decode_pub(fe, m).ok());
  CHECK(m.command == Command::kOpEvent);
  OpEvent eb;
  REQUIRE(unpack(m.body, eb).ok());
  CHECK(eb.state == OpState::kCompleted);
  CHECK(eb.ts_ns == 99);
}

TEST_CASE("wrong version, signature, command and frame counts are errors") {
  Frames good = encode_client(Command::kStatus, 7, StatusRequest{});
  ClientMessage m;

  Frames v2 = good;
  v2[2] = "2";
  Status s = decode_client(v2, m);
  CHECK(s.code == ErrorCode::kUnsupportedVersion);
  CHECK(m.request_id == 7);  // still answerable

  Frames sig = good;
  sig[1] = "MDPC01";
  CHECK(decode_client(sig, m).code == ErrorCode::kMalformed);

  Frames cmd = good;
  cmd[3] = std::string(1, '\x7e');
  CHECK(decode_client(cmd, m).code == ErrorCode::kUnknownCommand);
  cmd[3] = "";
  CHECK(decode_client(cmd, m).code == ErrorCode::kMalformed);

  Frames id = good;
  id[4] = "12x";
  CHECK(decode_client(id, m).code == ErrorCode::kMalformed);
  id[4] = "99999999999999999999999";
  CHECK(decode_client(id, m).code == ErrorCode::kMalformed);

  for (std::size_t n = 0; n < good.size(); ++n) {
    Frames truncated(good.begin(), good.begin() + static_cast<long>(n));
    CHECK_FALSE(decode_client(truncated, m).ok());
  }
  Frames extra = good;
  extra.push_back("x");
  CHECK_FALSE(decode_client(extra, m).ok());
  Frames nodelim = good;
  nodelim[0] = "x";
  CHECK_FALSE(decode_client(nodelim, m).ok());

  WorkerMessage wm;
  Frames w = encode_worker(Command::kHeartbeat, Heartbeat{});
  w[2] = "0";
  CHECK(decode_worker(w, wm).code == ErrorCode::kUnsupportedVersion);
  Frames huge_sig = encode_worker(Command::kHeartbeat, Heartbeat{});
  huge_sig[1] = std::string(100000, 'K');
  CHECK(decode_worker(huge_sig, wm).code == ErrorCode::kTooLarge);

  PubMessage pm;
  Frames p = encode_pub(Command::kJob, kOp, pack(Heartbeat{}));
  CHECK(decode_pub(p, pm).code == ErrorCode::kUnknownCommand);
}

TEST_CASE("bad msgpack bodies are errors, never crashes") {
  StatusRequest out;
  CHECK(unpack("", out).code == ErrorCode::kMalformed);
  CHECK(unpack("\xc1", out).code == ErrorCode::kMalformed);                             // never-used byte
  CHECK(unpack(std::string("\x92\x01", 2), out).code == ErrorCode::kMalformed);         // truncated array
  CHECK(unpack(pack(42), out).code == ErrorCode::kMalformed);                           // not a map
  CHECK(unpack(pack(StatusRequest{kOp}) + "junk", out).code == ErrorCode::kMalformed);  // trailing bytes
  // A map whose field has the wrong type.
  std::map<std::string, int> wrong{{"op_id", 5}};
  CHECK(unpack(pack(wrong), out).code == ErrorCode::kMalformed);
  // A tiny body claiming a gigantic array (limits, no allocation of 4G objects).
  const std::string giant_array("\xdd\xff\xff\xff\xff", 5);
  CHECK(unpack(giant_array, out).code == ErrorCode::kMalformed);
  // Deep nesting beyond the depth limit.
  std::string deep(1000, '\x91');
  deep += '\x01';
  CHECK(unpack(deep, out).code == ErrorCode::kMalformed);
  // Every truncation of a valid body is rejected.
  const std::string body = pack(StartRequest{sample_job(), "k"});
  StartRequest sr;
  for (std::size_t n = 0; n < body.size(); ++n) CHECK_FALSE(unpack(body.substr(0, n), sr).ok());
  // Random bytes: no crash, no exception.
  std::mt19937 rng(1234);
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng() % 64, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    Job j;
    (void)unpack(junk, j);
    Frames f = {"", "KTW", "1", std::string(1, static_cast<char>(rng())), junk};
    WorkerMessage wm;
    if (decode_worker(f, wm).ok()) (void)unpack(wm.body, j);
  }
}

TEST_CASE("oversized bodies are refused") {
  const std::string big(kMaxBodyBytes + 1, 'x');
  StatusRequest out;
  CHECK(unpack(big, out).code == ErrorCode::kTooLarge);
  Frames f = encode_worker(Command::kResult, std::string(big));
  WorkerMessage wm;
  CHECK(decode_worker(f, wm).code == ErrorCode::kTooLarge);
}

TEST_CASE("validation names the bad field") {
  StartRequest s{sample_job(), ""};
  s.job.costs.initial_capital = -1;
  Status st = unpack(pack(s), s);
  CHECK(st.code == ErrorCode::kBadRequest);
  CHECK(st.message.find("initial_capital") != std::string::npos);

  JobSpec j = sample_job();
  j.model = "/etc";
  CHECK(validate(j).code == ErrorCode::kBadRequest);
  j = sample_job();
  j.model = "a/../../etc";
  CHECK(validate(j).code == ErrorCode::kBadRequest);
  j.model = "a/..b/c";  // a name that merely starts with ".." is fine
  CHECK(validate(j).ok());
  j = sample_job();
  j.symbol = "../../x";
  CHECK(validate(j).code == ErrorCode::kBadRequest);
  j = sample_job();
  j.model.clear();
  j.strategy.clear();
  CHECK_FALSE(validate(j).ok());
  j.job_type = "noop";
  CHECK(validate(j).ok());

  CHECK(validate(ResumeRequest{"op_1"}).code == ErrorCode::kBadRequest);
  CHECK(validate(WorkerReady{"bad id with spaces", {}, "", 0, 1000}).code == ErrorCode::kBadRequest);
  ListRequest l;
  l.limit = 100000;
  CHECK_FALSE(validate(l).ok());
}

TEST_CASE("JobSpec and Checkpoint keep their wire form: flat cost keys, mode and reason as text") {
  WireJobSpecV1 old;
  old.strategy = "trend";
  old.symbol = "EURUSD";
  old.timeframe = "1h";
  old.initial_capital = 50000;
  old.commission = 0.002;
  old.slippage = 0.0001;
  old.position_fraction = 0.5;
  old.mode = "ktrdr";
  JobSpec now;
  now.strategy = "trend";
  now.symbol = "EURUSD";
  now.timeframe = "1h";
  now.costs = ktrdr::TradingCosts{50000, 0.002, 0.0001, 0.5};
  now.mode = ktrdr::Mode::kKtrdr;
  CHECK(pack(now) == pack(old));  // byte for byte
  JobSpec back;
  REQUIRE(unpack(pack(old), back).ok());
  CHECK(back.costs == now.costs);
  CHECK(back.mode == ktrdr::Mode::kKtrdr);
  old.mode = "corrected";
  REQUIRE(unpack(pack(old), back).ok());
  CHECK(back.mode == ktrdr::Mode::kCorrected);

  old.mode = "fast";
  Status st = unpack(pack(old), back);
  CHECK(st.code == ErrorCode::kBadRequest);
  CHECK(st.message == R"(mode "fast" is unknown (expected ktrdr or corrected))");

  WireCheckpointV1 ck{kOp, 2, 5, 777, "shutdown", "blob"};
  CHECK(pack(Checkpoint{kOp, 2, 5, 777, CheckpointReason::kShutdown, "blob"}) == pack(ck));
  Checkpoint cb;
  for (const auto& [text, reason] :
       {std::pair{"periodic", CheckpointReason::kPeriodic}, std::pair{"cancel", CheckpointReason::kCancel},
        std::pair{"shutdown", CheckpointReason::kShutdown}}) {
    ck.reason = text;
    REQUIRE(unpack(pack(ck), cb).ok());
    CHECK(cb.reason == reason);
    CHECK(to_string(reason) == text);
    CHECK(parse_checkpoint_reason(text) == reason);
  }
  ck.reason = "whenever";
  st = unpack(pack(ck), cb);
  CHECK(st.code == ErrorCode::kBadRequest);
  CHECK(st.message == R"(reason "whenever" is unknown (expected periodic, cancel or shutdown))");
  ck.reason = "";
  CHECK(unpack(pack(ck), cb).code == ErrorCode::kBadRequest);
  CHECK_FALSE(parse_checkpoint_reason("Periodic").has_value());
}
