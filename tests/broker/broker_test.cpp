// Broker + worker sessions in one process over inproc://: dispatch, results once, cancel/resume with the
// checkpoint, dead-worker re-queue, attempt limit, bad client frames, reload after restart.
#include <doctest/doctest.h>

#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <zmq.hpp>

#include "ktrdr/broker/broker.h"
#include "ktrdr/net/frames.h"
#include "ktrdr/worker/worker_session.h"
#include "support/rocksdb_raw.h"
#include "support/temp_dir.h"

namespace fs = std::filesystem;
using namespace ktrdr;
using namespace ktrdr::proto;
using namespace std::chrono_literals;

namespace {

struct Fleet {
  zmq::context_t ctx{1};
  test::TempDir dir{"ktrdr-broker-test"};
  std::string tag;
  broker::BrokerOptions opts;
  std::unique_ptr<broker::Broker> broker;
  std::atomic<bool> broker_stop{false};
  std::thread broker_thread;
  struct Worker {
    std::atomic<bool> stop{false};
    std::thread thread;
  };
  std::vector<std::unique_ptr<Worker>> workers;

  Fleet() {
    tag = fmt::format("{}", std::random_device{}());
    opts.clients_endpoint = "inproc://clients-" + tag;
    opts.workers_endpoint = "inproc://workers-" + tag;
    opts.progress_in_endpoint = "inproc://pin-" + tag;
    opts.progress_out_endpoint = "inproc://pout-" + tag;
    opts.state_dir = dir / "state";
    opts.heartbeat_interval_ms = 50;
    start_broker();
  }
  ~Fleet() {
    for (auto& w : workers) w->stop = true;
    for (auto& w : workers) w->thread.join();
    stop_broker();
  }
  void start_broker() {
    broker = std::make_unique<broker::Broker>(ctx, opts);
    broker_stop = false;
    broker_thread = std::thread([this] { broker->run(broker_stop); });
  }
  void stop_broker() {
    broker_stop = true;
    if (broker_thread.joinable()) broker_thread.join();
    broker.reset();
  }
  void add_worker(const std::string& name, worker::JobFunction fn,
                  std::vector<std::string> capabilities = {"backtest", "noop"}, uint32_t prefetch = 1) {
    auto w = std::make_unique<Worker>();
    worker::WorkerSessionOptions o;
    o.capabilities = std::move(capabilities);
    o.prefetch = prefetch;
    o.broker_endpoint = opts.workers_endpoint;
    o.progress_endpoint = opts.progress_in_endpoint;
    o.worker_id = name;
    o.heartbeat_interval_ms = 50;
    o.reconnect_min_ms = 20;
    Worker* raw = w.get();
    w->thread = std::thread([this, o, fn, raw] {
      worker::WorkerSession session(ctx, o, fn);
      session.run(raw->stop);
    });
    workers.push_back(std::move(w));
  }
};

struct Client {
  zmq::socket_t sock;
  uint64_t next_id = 1;
  explicit Client(Fleet& f) : sock(f.ctx, zmq::socket_type::dealer) {
    sock.set(zmq::sockopt::linger, 0);
    sock.connect(f.opts.clients_endpoint);
  }
  bool send_raw(const Frames& frames) { return net::send_frames(sock, frames); }
  Reply receive(uint64_t expect_id) {
    zmq::pollitem_t item{sock.handle(), 0, ZMQ_POLLIN, 0};
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    Frames frames;
    while (std::chrono::steady_clock::now() < deadline) {
      zmq::poll(&item, 1, 100ms);
      if (!net::recv_frames(sock, frames)) continue;
      ClientMessage m;
      REQUIRE(decode_client(frames, m).ok());
      REQUIRE(m.command == Command::kReply);
      REQUIRE(m.request_id == expect_id);
      Reply r;
      REQUIRE(unpack(m.body, r).ok());
      return r;
    }
    FAIL("no reply within 5 s");
    return {};
  }
  template <typename T>
  Reply call(Command c, const T& body) {
    const uint64_t id = next_id++;
    send_raw(encode_client(c, id, body));
    return receive(id);
  }
  std::string start(const std::string& key = {}, const std::string& job_type = "noop") {
    JobSpec j;
    j.job_type = job_type;
    if (job_type == "backtest") j.strategy = "trend";
    Reply r = call(Command::kStart, StartRequest{j, key});
    REQUIRE(r.code == ErrorCode::kOk);
    return r.op_id;
  }
  OperationInfo status(const std::string& id) {
    Reply r = call(Command::kStatus, StatusRequest{id});
    REQUIRE(r.operations.size() == 1);
    return r.operations[0];
  }
  OperationInfo wait_state(const std::string& id, OpState want, std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    OperationInfo op;
    while (std::chrono::steady_clock::now() < deadline) {
      op = status(id);
      if (op.state == want) return op;
      std::this_thread::sleep_for(10ms);
    }
    FAIL("operation " << id << " is " << to_string(op.state) << ", expected " << to_string(want));
    return op;
  }
};

void noop_job(worker::JobContext& ctx) {
  Progress p;
  p.percentage = 100;
  ctx.progress(p, true);
  ctx.result(fmt::format(R"({{"op":"{}"}})", ctx.job().op_id), p);
}

}  // namespace

TEST_CASE("jobs are dispatched, completed and their results stored once") {
  Fleet f;
  f.add_worker("w1", noop_job);
  f.add_worker("w2", noop_job);
  Client c(f);
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(c.start());
  for (const auto& id : ids) {
    OperationInfo op = c.wait_state(id, OpState::kCompleted);
    CHECK(op.has_result);
    CHECK(op.attempts == 1);
    Reply r = c.call(Command::kResults, ResultsRequest{id});
    CHECK(r.code == ErrorCode::kOk);
    CHECK(r.result_json == fmt::format(R"({{"op":"{}"}})", id));
  }
  Reply st = c.call(Command::kStatus, StatusRequest{});
  CHECK(st.fleet.workers.size() == 2);
  CHECK(st.fleet.queue_length == 0);
  Reply list = c.call(Command::kList, ListRequest{{OpState::kCompleted}, 5, 0});
  CHECK(list.operations.size() == 5);
  CHECK(list.operations[0].created_ns >= list.operations[4].created_ns);
  // The same client key returns the same operation.
  const std::string k1 = c.start("same-key");
  CHECK(c.start("same-key") == k1);
}

TEST_CASE("bad client messages get error replies and the broker keeps serving") {
  Fleet f;
  Client c(f);
  Frames v9 = encode_client(Command::kStatus, 11, StatusRequest{});
  v9[2] = "9";
  c.send_raw(v9);
  CHECK(c.receive(11).code == ErrorCode::kUnsupportedVersion);
  c.send_raw(encode_client(Command::kStart, 12, std::string("\xc1garbage")));
  CHECK(c.receive(12).code == ErrorCode::kMalformed);
  c.send_raw(encode_client(Command::kJob, 13, Heartbeat{}));
  CHECK(c.receive(13).code == ErrorCode::kUnknownCommand);
  c.send_raw(Frames{"", "what"});  // not even a request id: dropped
  CHECK(c.call(Command::kStatus, StatusRequest{"op_backtesting_20240101_000000_00000000"}).code ==
        ErrorCode::kNotFound);
  CHECK(c.call(Command::kResume, ResumeRequest{"nope"}).code == ErrorCode::kBadRequest);
  // A garbage "worker" does not hurt the broker either.
  zmq::socket_t bad(f.ctx, zmq::socket_type::dealer);
  bad.set(zmq::sockopt::linger, 0);
  bad.connect(f.opts.workers_endpoint);
  net::send_frames(bad, Frames{"", "KTW", "1", std::string(1, '\x13'), "\xc1"});
  net::send_frames(bad, Frames{"x"});
  CHECK(c.call(Command::kStatus, StatusRequest{}).code == ErrorCode::kOk);
}

TEST_CASE("a request or worker message that fails inside the broker is answered internal or dropped") {
  // A corrupt operation record, written straight into the broker's RocksDB while it is stopped: reading it
  // throws inside the handlers. Each request naming it is answered `internal` with the cause, each worker
  // message naming it is dropped, and the broker keeps serving everything else.
  Fleet f;
  const std::string good = Client(f).start();
  f.stop_broker();
  const std::string bad = "op_backtesting_20240101_000000_0badc0de";
  test::rocksdb_put_raw(f.opts.state_dir, "op/" + bad, "\xc1\xc1");
  f.start_broker();
  Client c(f);  // a DEALER connected to the old broker's inproc endpoint would block on send

  for (Command cmd : {Command::kStatus, Command::kCancel, Command::kResume, Command::kResults}) {
    Reply r;
    if (cmd == Command::kStatus) r = c.call(cmd, StatusRequest{bad});
    if (cmd == Command::kCancel) r = c.call(cmd, CancelRequest{bad, ""});
    if (cmd == Command::kResume) r = c.call(cmd, ResumeRequest{bad});
    if (cmd == Command::kResults) r = c.call(cmd, ResultsRequest{bad});
    INFO(to_string(cmd) << ": " << r.message);
    CHECK(r.code == ErrorCode::kInternal);
    CHECK(r.message.find(fmt::format("the broker could not answer this {} request", to_string(cmd))) !=
          std::string::npos);
    CHECK(r.message.find("record op/" + bad + " is corrupt") != std::string::npos);
  }
  // A worker reporting on it: dropped (no reply exists), the broker goes on.
  zmq::socket_t w(f.ctx, zmq::socket_type::dealer);
  w.set(zmq::sockopt::linger, 0);
  w.connect(f.opts.workers_endpoint);
  net::send_frames(w, encode_worker(Command::kReady, WorkerReady{"zombie", {"backtest"}, bad, 1, 50}));
  net::send_frames(w, encode_worker(Command::kResult, JobResult{bad, 1, R"({"x":1})", {}}));
  net::send_frames(
      w, encode_worker(Command::kCheckpoint, Checkpoint{bad, 1, 1, 5, CheckpointReason::kCancel, "b"}));
  CHECK(c.status(good).state == OpState::kPending);  // no noop worker yet: still queued
  CHECK(c.call(Command::kStatus, StatusRequest{bad}).code == ErrorCode::kInternal);
  f.add_worker("w1", noop_job);
  c.wait_state(good, OpState::kCompleted);
  CHECK(c.call(Command::kResults, ResultsRequest{good}).code == ErrorCode::kOk);
  const std::string after = c.start();
  c.wait_state(after, OpState::kCompleted);
}

TEST_CASE("cancel reaches the worker, and resume continues from the broker's checkpoint") {
  Fleet f;
  std::atomic<int> runs{0};
  std::string seen_checkpoint;
  std::mutex mu;
  f.add_worker("w1", [&](worker::JobContext& ctx) {
    runs++;
    {
      std::lock_guard lock(mu);
      seen_checkpoint = ctx.job().checkpoint;
    }
    if (!ctx.job().checkpoint.empty()) {
      ctx.result(R"({"resumed":true})", {});
      return;
    }
    ctx.checkpoint(10, "state-at-10", CheckpointReason::kPeriodic);
    const auto t0 = std::chrono::steady_clock::now();
    while (!ctx.cancel_flag().load()) std::this_thread::sleep_for(1ms);
    CHECK(std::chrono::steady_clock::now() - t0 < 5s);
    ctx.checkpoint(12, "state-at-12", CheckpointReason::kCancel);
    ctx.failure(ErrorCode::kCancelled, "cancelled", true);
  });
  Client c(f);
  const std::string id = c.start();
  c.wait_state(id, OpState::kRunning);
  // wait until the periodic checkpoint reached the broker
  for (int i = 0; i < 200 && !c.status(id).has_checkpoint; ++i) std::this_thread::sleep_for(10ms);
  Reply r = c.call(Command::kCancel, CancelRequest{id, "test"});
  CHECK(r.code == ErrorCode::kOk);
  CHECK(r.operations.at(0).state == OpState::kCancelled);
  for (int i = 0; i < 200 && c.status(id).checkpoint_bar != 12; ++i) std::this_thread::sleep_for(10ms);
  CHECK(c.status(id).checkpoint_bar == 12);
  CHECK(c.call(Command::kResults, ResultsRequest{id}).code == ErrorCode::kNotReady);
  CHECK(c.call(Command::kResume, ResumeRequest{id}).code == ErrorCode::kOk);
  OperationInfo done = c.wait_state(id, OpState::kCompleted);
  CHECK(runs == 2);
  {
    std::lock_guard lock(mu);
    CHECK(seen_checkpoint == "state-at-12");
  }
  CHECK_FALSE(done.has_checkpoint);  // deleted on success
  CHECK(c.call(Command::kResume, ResumeRequest{id}).code == ErrorCode::kConflict);
  CHECK(c.call(Command::kCancel, CancelRequest{id, ""}).code == ErrorCode::kConflict);
}

TEST_CASE("a silent worker is declared dead and its job re-queued to another worker") {
  Fleet f;
  Client c(f);
  // A raw worker that registers, takes the job, then goes silent.
  zmq::socket_t zombie(f.ctx, zmq::socket_type::dealer);
  zombie.set(zmq::sockopt::linger, 0);
  zombie.connect(f.opts.workers_endpoint);
  net::send_frames(zombie, encode_worker(Command::kReady, WorkerReady{"zombie", {"noop"}, "", 0, 50}));
  const std::string id = c.start();
  OperationInfo op = c.wait_state(id, OpState::kRunning);
  CHECK(op.worker_id == "zombie");
  f.add_worker("healthy", noop_job);
  op = c.wait_state(id, OpState::kCompleted);
  CHECK(op.worker_id == "healthy");
  CHECK(op.attempts == 2);
  REQUIRE(op.errors.size() == 1);
  CHECK(op.errors[0].find("zombie lost") != std::string::npos);
  // The zombie's late result is discarded (stored once).
  net::send_frames(zombie, encode_worker(Command::kResult, JobResult{id, 1, R"({"late":true})", {}}));
  std::this_thread::sleep_for(100ms);
  CHECK(c.call(Command::kResults, ResultsRequest{id}).result_json == fmt::format(R"({{"op":"{}"}})", id));
}

TEST_CASE("a job failing on every attempt is FAILED after max-attempts with every reason") {
  Fleet f;
  f.add_worker("w1", [](worker::JobContext& ctx) { ctx.failure(ErrorCode::kRunFailed, "boom", true); });
  Client c(f);
  const std::string id = c.start();
  OperationInfo op = c.wait_state(id, OpState::kFailed);
  CHECK(op.attempts == 3);
  REQUIRE(op.errors.size() == 4);  // 3 attempts + the verdict
  CHECK(op.errors[0].find("boom") != std::string::npos);
  CHECK(op.errors[3].find("3 attempts") != std::string::npos);
}

TEST_CASE("accepted jobs survive a broker restart and are dispatched afterwards") {
  Fleet f;
  Client c1(f);
  const std::string a = c1.start();
  const std::string b = c1.start();
  f.stop_broker();
  f.start_broker();
  Client c2(f);
  CHECK(c2.status(a).state == OpState::kPending);
  f.add_worker("w1", noop_job);
  c2.wait_state(a, OpState::kCompleted);
  c2.wait_state(b, OpState::kCompleted);
}

TEST_CASE("a worker's graceful stop hands its job back without using an attempt") {
  Fleet f;
  f.add_worker("leaving", [](worker::JobContext& ctx) {
    while (!ctx.cancel_flag().load()) std::this_thread::sleep_for(1ms);
    ctx.checkpoint(5, "s5", ctx.shutting_down() ? CheckpointReason::kShutdown : CheckpointReason::kCancel);
    ctx.failure(ctx.shutting_down() ? ErrorCode::kShuttingDown : ErrorCode::kCancelled, "stopping", true);
  });
  Client c(f);
  const std::string id = c.start();
  c.wait_state(id, OpState::kRunning);
  f.workers[0]->stop = true;
  f.workers[0]->thread.join();
  f.workers.clear();
  OperationInfo op = c.wait_state(id, OpState::kResuming);
  CHECK(op.attempts == 0);
  CHECK(op.checkpoint_bar == 5);
  f.add_worker("next", noop_job);
  op = c.wait_state(id, OpState::kCompleted);
  CHECK(op.attempts == 1);
}

TEST_CASE("a queued job no idle worker can run does not hold up the jobs behind it") {
  Fleet f;
  f.add_worker("noop-only", noop_job, {"noop"});
  Client c(f);
  const std::string backtest = c.start("", "backtest");
  std::vector<std::string> noops;
  for (int i = 0; i < 5; ++i) noops.push_back(c.start());
  for (const auto& id : noops) CHECK(c.wait_state(id, OpState::kCompleted).worker_id == "noop-only");
  CHECK(c.status(backtest).state == OpState::kPending);
  CHECK(c.call(Command::kStatus, StatusRequest{}).fleet.queue_length == 1);
  f.add_worker("backtester", noop_job, {"backtest"});
  CHECK(c.wait_state(backtest, OpState::kCompleted).worker_id == "backtester");
}

TEST_CASE("a worker session runs its jobs one after another on one long-lived job thread") {
  Fleet f;
  std::mutex m;
  std::set<std::thread::id> threads;
  f.add_worker("w1", [&](worker::JobContext& ctx) {
    {
      std::lock_guard lock(m);
      threads.insert(std::this_thread::get_id());
    }
    noop_job(ctx);
  });
  Client c(f);
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(c.start());
  for (const auto& id : ids) CHECK(c.wait_state(id, OpState::kCompleted).attempts == 1);
  std::lock_guard lock(m);
  CHECK(threads.size() == 1);
}

namespace {
// Runs until `release` (then completes) or a cancel (then stops, as a backtest would); records the order.
struct GatedJobs {
  std::atomic<bool> release{false};
  std::mutex m;
  std::vector<std::string> started;
  worker::JobFunction fn() {
    return [this](worker::JobContext& ctx) {
      {
        std::lock_guard lock(m);
        started.push_back(ctx.job().op_id);
      }
      while (!release.load() && !ctx.cancel_flag().load()) std::this_thread::sleep_for(1ms);
      if (ctx.cancel_flag().load()) {
        ctx.failure(ctx.shutting_down() ? ErrorCode::kShuttingDown : ErrorCode::kCancelled, "stopped", true);
        return;
      }
      noop_job(ctx);
    };
  }
};
}  // namespace

TEST_CASE(
    "prefetch: a worker holds jobs sent ahead and runs them in order and a waiting one can be cancelled") {
  Fleet f;
  GatedJobs gate;
  f.add_worker("w1", gate.fn(), {"noop"}, 3);
  Client c(f);
  const std::string a = c.start(), b = c.start(), d = c.start(), e = c.start();
  for (const auto& id : {a, b, d}) CHECK(c.wait_state(id, OpState::kRunning).worker_id == "w1");
  CHECK(c.status(e).state == OpState::kPending);  // room for three
  Reply st = c.call(Command::kStatus, StatusRequest{});
  REQUIRE(st.fleet.workers.size() == 1);
  CHECK(st.fleet.workers[0].op_id == a);
  CHECK(st.fleet.workers[0].queued == 2);
  CHECK(c.call(Command::kCancel, CancelRequest{b, "not needed"}).code == ErrorCode::kOk);
  CHECK(c.wait_state(e, OpState::kRunning).worker_id == "w1");  // b's slot went to e
  gate.release = true;
  for (const auto& id : {a, d, e}) CHECK(c.wait_state(id, OpState::kCompleted).attempts == 1);
  CHECK(c.status(b).state == OpState::kCancelled);
  std::lock_guard lock(gate.m);
  CHECK(gate.started == std::vector<std::string>{a, d, e});
}

TEST_CASE("prefetch: a stopping worker hands back its running and waiting jobs without using attempts") {
  Fleet f;
  GatedJobs gate;
  f.add_worker("leaving", gate.fn(), {"noop"}, 3);
  Client c(f);
  const std::vector<std::string> ids = {c.start(), c.start(), c.start()};
  for (const auto& id : ids) c.wait_state(id, OpState::kRunning);
  f.workers[0]->stop = true;
  f.workers[0]->thread.join();
  f.workers.clear();
  for (const auto& id : ids) CHECK(c.wait_state(id, OpState::kResuming).attempts == 0);
  f.add_worker("next", noop_job);
  for (const auto& id : ids) CHECK(c.wait_state(id, OpState::kCompleted).attempts == 1);
  std::lock_guard lock(gate.m);
  CHECK(gate.started == std::vector<std::string>{ids[0]});  // the waiting two never started there
}
