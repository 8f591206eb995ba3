// Worker socket loop and job thread plumbing (worker_session.h).
#include "ktrdr/worker/worker_session.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include <zmq.hpp>

#include "ktrdr/common/error.h"
#include "ktrdr/common/log.h"
#include "ktrdr/net/frames.h"
#include "ktrdr/proto/codec.h"

namespace ktrdr::worker {

using net::configure_socket;
using net::recv_frames;
using net::send_frames;
using proto::Command;
using proto::ErrorCode;
using Clock = std::chrono::steady_clock;

namespace {
int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}
}  // namespace

void WorkerSessionOptions::validate() const {
  KTRDR_REQUIRE(!broker_endpoint.empty(),
                "--broker must name the broker's worker endpoint (e.g. tcp://host:5556)");
  KTRDR_REQUIRE(proto::is_safe_name(worker_id), "--id \"{}\" must be 1..{} characters of [A-Za-z0-9._:@-]",
                worker_id, proto::kMaxIdBytes);
  KTRDR_REQUIRE(heartbeat_interval_ms >= 10 && heartbeat_interval_ms <= 600000,
                "heartbeat-interval-ms must be in [10, 600000] (got {})", heartbeat_interval_ms);
  KTRDR_REQUIRE(heartbeat_liveness >= 2, "heartbeat-liveness must be >= 2 (got {})", heartbeat_liveness);
  KTRDR_REQUIRE(reconnect_min_ms >= 1 && reconnect_max_ms >= reconnect_min_ms,
                "reconnect-min-ms must be >= 1 and <= reconnect-max-ms (got {} / {})", reconnect_min_ms,
                reconnect_max_ms);
  KTRDR_REQUIRE(prefetch >= 1 && prefetch <= proto::kMaxPrefetch, "prefetch must be in [1, {}] (got {})",
                proto::kMaxPrefetch, prefetch);
  KTRDR_REQUIRE(progress_max_hz > 0 && progress_max_hz <= 1000,
                "progress-rate-hz must be in (0, 1000] (got {})", progress_max_hz);
}

// ---- JobContext ----------------------------------------------------------------------------------------
struct JobContext::Impl {
  zmq::socket_t& channel;
  int64_t min_gap_ms;
  int64_t last_progress_ms = -1000000;
  uint64_t seq = 0;
  uint64_t checkpoint_seq = 0;
  bool finished = false;
  void send(const proto::Frames& f) { send_frames(channel, f); }
};

JobContext::JobContext(zmq::socket_t& channel, const proto::Job& job, std::string worker_id,
                       double progress_max_hz, const std::atomic<bool>& cancel,
                       const std::atomic<bool>& shutting_down)
    : impl_(std::make_unique<Impl>(Impl{channel, static_cast<int64_t>(1000.0 / progress_max_hz)})),
      job_(job),
      worker_id_(std::move(worker_id)),
      cancel_(cancel),
      shutting_down_(shutting_down) {}

JobContext::~JobContext() = default;

void JobContext::progress(proto::Progress p, bool force) {
  const int64_t now = steady_ms();
  if (!force && now - impl_->last_progress_ms < impl_->min_gap_ms) return;
  impl_->last_progress_ms = now;
  p.op_id = job_.op_id;
  p.worker_id = worker_id_;
  p.attempt = job_.attempt;
  p.seq = ++impl_->seq;
  impl_->send(proto::encode_worker(Command::kProgress, p));
}

void JobContext::checkpoint(uint64_t bar_index, std::string blob, proto::CheckpointReason reason) {
  proto::Checkpoint ck{job_.op_id, job_.attempt, ++impl_->checkpoint_seq, bar_index, reason, std::move(blob)};
  impl_->send(proto::encode_worker(Command::kCheckpoint, ck));
}

void JobContext::result(std::string result_json, proto::Progress last) {
  if (impl_->finished) return;
  impl_->finished = true;
  last.op_id = job_.op_id;
  last.worker_id = worker_id_;
  last.attempt = job_.attempt;
  last.seq = ++impl_->seq;
  impl_->send(proto::encode_worker(Command::kResult,
                                   proto::JobResult{job_.op_id, job_.attempt, std::move(result_json), last}));
}

void JobContext::failure(ErrorCode code, std::string message, bool retryable) {
  if (impl_->finished) return;
  impl_->finished = true;
  impl_->send(proto::encode_worker(
      Command::kFailure, proto::JobFailure{job_.op_id, job_.attempt, code, std::move(message), retryable}));
}

bool JobContext::finished() const {
  return impl_->finished;
}

// ---- WorkerSession -------------------------------------------------------------------------------------
struct WorkerSession::Impl {
  zmq::context_t& ctx;
  WorkerSessionOptions opts;
  JobFunction fn;
  std::unique_ptr<zmq::socket_t> dealer;
  std::unique_ptr<zmq::socket_t> pub;
  std::string pub_endpoint;

  // the job thread (lives as long as the session) and the job it runs
  std::unique_ptr<zmq::socket_t> pair;  // loop's end of the PAIR; the job thread owns the other end
  std::string pair_endpoint;
  std::thread job_thread;
  std::mutex job_mutex;
  std::condition_variable job_wakeup;
  std::optional<proto::Job> next_job;  // handed to the job thread, guarded by job_mutex
  bool exiting = false;                // guarded by job_mutex
  std::string op_id;                   // the job being run ("" = idle); loop thread only
  std::deque<proto::Job> waiting;      // jobs sent ahead (prefetch > 1), run after op_id in this order
  uint32_t attempt = 0;
  std::atomic<bool> cancel{false};
  std::atomic<bool> shutting_down{false};
  proto::Frames last_final;  // last result sent: re-sent after a reconnect (at-least-once)
  std::string last_final_op;
  int64_t last_broker_progress_ms = 0;

  int64_t last_broker_ms = 0;
  int64_t next_heartbeat_ms = 0;
  int backoff_ms = 0;
  proto::Frames scratch;

  Impl(zmq::context_t& c, WorkerSessionOptions o, JobFunction f)
      : ctx(c), opts(std::move(o)), fn(std::move(f)) {
    opts.validate();
    backoff_ms = opts.reconnect_min_ms;
    if (!opts.progress_endpoint.empty()) {
      pub = std::make_unique<zmq::socket_t>(ctx, zmq::socket_type::pub);
      configure_socket(*pub);
      pub->set(zmq::sockopt::sndhwm, 10000);
      try {
        if (opts.progress_bind) {
          pub->bind(opts.progress_endpoint);
        } else {
          pub->connect(opts.progress_endpoint);
        }
      } catch (const zmq::error_t& e) {
        KTRDR_FAIL("--progress {}: cannot {}: {}", opts.progress_endpoint,
                   opts.progress_bind ? "bind" : "connect", e.what());
      }
      pub_endpoint = pub->get(zmq::sockopt::last_endpoint);
    }
    pair_endpoint = fmt::format("inproc://ktrdr-worker-{}-{:08x}", static_cast<const void*>(this),
                                std::random_device{}());
    pair = std::make_unique<zmq::socket_t>(ctx, zmq::socket_type::pair);
    pair->set(zmq::sockopt::linger, 0);
    pair->bind(pair_endpoint);
    job_thread = std::thread([this] { job_thread_main(); });
  }

  ~Impl() {
    {
      std::lock_guard lock(job_mutex);
      exiting = true;
    }
    cancel = true;
    job_wakeup.notify_one();
    job_thread.join();
  }

  // Runs the jobs handed over by start_job(), one at a time, until the session ends.
  void job_thread_main() {
    pthread_setname_np(pthread_self(), "ktrdr-job");
    zmq::socket_t channel(ctx, zmq::socket_type::pair);
    channel.set(zmq::sockopt::linger, -1);  // everything sent must reach the loop
    channel.connect(pair_endpoint);
    while (true) {
      proto::Job job;
      {
        std::unique_lock lock(job_mutex);
        job_wakeup.wait(lock, [this] { return exiting || next_job.has_value(); });
        if (exiting) return;
        job = std::move(*next_job);
        next_job.reset();
      }
      JobContext jc(channel, job, opts.worker_id, opts.progress_max_hz, cancel, shutting_down);
      try {
        fn(jc);
        if (!jc.finished()) jc.failure(ErrorCode::kRunFailed, "the job ended without a result", true);
      } catch (const std::exception& e) {
        jc.failure(ErrorCode::kRunFailed, e.what(), true);
      }
    }
  }

  void connect() {
    dealer = std::make_unique<zmq::socket_t>(ctx, zmq::socket_type::dealer);
    configure_socket(*dealer);
    dealer->set(zmq::sockopt::sndhwm, 10000);
    try {
      dealer->connect(opts.broker_endpoint);
    } catch (const zmq::error_t& e) {
      KTRDR_FAIL("--broker {}: cannot connect: {}", opts.broker_endpoint, e.what());
    }
    last_broker_ms = steady_ms();
    send_ready();
  }

  void send_ready() {
    waiting.clear();  // a (re-)registering worker holds only its running job; the broker re-queues the rest
    proto::WorkerReady r{opts.worker_id, opts.capabilities,          op_id,
                         attempt,        opts.heartbeat_interval_ms, opts.prefetch};
    if (r.current_op.empty() && !last_final_op.empty()) r.current_op = last_final_op;  // result may be lost
    send_frames(*dealer, proto::encode_worker(Command::kReady, r));
    if (!last_final.empty()) send_frames(*dealer, last_final);
    next_heartbeat_ms = steady_ms() + opts.heartbeat_interval_ms;
  }

  void send_failure(const std::string& op, uint32_t att, ErrorCode code, std::string msg) {
    send_frames(*dealer, proto::encode_worker(Command::kFailure,
                                              proto::JobFailure{op, att, code, std::move(msg), true}));
  }

  void start_job(const proto::Job& job) {
    if (!op_id.empty()) {
      send_failure(job.op_id, job.attempt, ErrorCode::kBusy, fmt::format("already running {}", op_id));
      return;
    }
    op_id = job.op_id;
    attempt = job.attempt;
    cancel = false;
    last_final.clear();
    last_final_op.clear();
    log::info("worker {}: job {} attempt {} ({}{})", opts.worker_id, job.op_id, job.attempt, job.job.job_type,
              job.checkpoint.empty() ? "" : fmt::format(", resuming from bar {}", job.checkpoint_bar));
    {
      std::lock_guard lock(job_mutex);
      next_job = job;
    }
    job_wakeup.notify_one();
  }

  // The job thread sent the job's result or failure: it is idle again (or about to be).
  void finish_job() {
    op_id.clear();
    attempt = 0;
    if (!waiting.empty() && !shutting_down) {
      proto::Job next = std::move(waiting.front());
      waiting.pop_front();
      start_job(next);
    }
  }

  // Jobs sent ahead that have not started go back to the broker (it re-queues them without an attempt).
  void hand_back_waiting(ErrorCode code, const std::string& why) {
    for (const proto::Job& job : waiting) send_failure(job.op_id, job.attempt, code, why);
    waiting.clear();
  }

  void drain_dealer() {
    for (int i = 0; i < 1000 && recv_frames(*dealer, scratch); ++i) {
      proto::WorkerMessage msg;
      if (proto::Status s = proto::decode_worker(scratch, msg); !s.ok()) {
        log::warn("worker {}: dropped a bad message from the broker: {}", opts.worker_id, s.message);
        continue;
      }
      last_broker_ms = steady_ms();
      backoff_ms = opts.reconnect_min_ms;
      switch (msg.command) {
        case Command::kJob: {
          proto::Job job;
          if (proto::Status s = proto::unpack(msg.body, job); !s.ok()) {
            log::warn("worker {}: bad job from the broker: {}", opts.worker_id, s.message);
            break;
          }
          if (shutting_down) {
            send_failure(job.op_id, job.attempt, ErrorCode::kShuttingDown, "worker is stopping");
          } else if (op_id.empty()) {
            start_job(job);
          } else if (waiting.size() + 1 < opts.prefetch) {
            waiting.push_back(std::move(job));
          } else {
            send_failure(
                job.op_id, job.attempt, ErrorCode::kBusy,
                fmt::format("already holding {} job(s) (prefetch {})", waiting.size() + 1, opts.prefetch));
          }
          break;
        }
        case Command::kCancelJob: {
          proto::CancelJob c;
          if (!proto::unpack(msg.body, c).ok()) break;
          auto queued = std::find_if(waiting.begin(), waiting.end(),
                                     [&](const proto::Job& j) { return j.op_id == c.op_id; });
          if (c.op_id == op_id) {
            log::info("worker {}: cancelling {} ({})", opts.worker_id, op_id, c.reason);
            cancel = true;
          } else if (queued != waiting.end()) {
            const uint32_t att = queued->attempt;
            waiting.erase(queued);
            send_failure(c.op_id, att, ErrorCode::kCancelled, "cancelled before it started");
          } else {
            send_failure(c.op_id, 0, ErrorCode::kCancelled, "not running here");
          }
          break;
        }
        case Command::kDisconnect:
          log::info("worker {}: broker asked to re-register", opts.worker_id);
          send_ready();
          break;
        case Command::kHeartbeat:
          break;
        default:
          log::warn("worker {}: unexpected {} from the broker", opts.worker_id,
                    proto::to_string(msg.command));
      }
    }
  }

  void drain_pair() {
    for (int i = 0; i < 1000 && recv_frames(*pair, scratch); ++i) {
      proto::WorkerMessage msg;
      if (!proto::decode_worker(scratch, msg).ok()) continue;  // our own encoding: cannot fail
      if (msg.command == Command::kProgress) {
        if (pub) {
          (void)send_frames(*pub, proto::encode_pub(Command::kProgress, op_id, std::string(msg.body)), true);
        }
        const int64_t now = steady_ms();
        if (now - last_broker_progress_ms >= static_cast<int64_t>(1000.0 / opts.broker_progress_max_hz)) {
          last_broker_progress_ms = now;
          send_frames(*dealer, scratch);
        }
        continue;
      }
      send_frames(*dealer, scratch);
      if (msg.command == Command::kResult || msg.command == Command::kFailure) {
        if (msg.command == Command::kResult) {
          last_final = scratch;
          last_final_op = op_id;
        }
        finish_job();
        return;
      }
    }
  }

  bool sleep_interruptible(int ms, const std::atomic<bool>& stop) {
    const int64_t until = steady_ms() + ms;
    while (steady_ms() < until) {
      if (stop) return false;  // the job's messages wait in the PAIR queue meanwhile
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

  void run(const std::atomic<bool>& stop, const std::function<void()>& on_ready,
           const std::function<void()>& on_tick) {
    connect();
    log::info("worker {}: connected to {} (progress {})", opts.worker_id, opts.broker_endpoint,
              pub_endpoint.empty() ? "off" : pub_endpoint);
    if (on_ready) on_ready();
    bool stopping = false;
    std::string handed_back;
    while (true) {
      if (stop && !stopping) {
        stopping = true;
        hand_back_waiting(ErrorCode::kShuttingDown, "worker is stopping");
        if (!op_id.empty()) {
          log::info("worker {}: stopping: checkpointing {} and handing it back", opts.worker_id, op_id);
          handed_back = op_id;
          shutting_down = true;
          cancel = true;
        }
      }
      if (stopping && op_id.empty()) break;
      zmq::pollitem_t items[] = {{dealer->handle(), 0, ZMQ_POLLIN, 0}, {pair->handle(), 0, ZMQ_POLLIN, 0}};
      const int64_t wait = std::clamp<int64_t>(next_heartbeat_ms - steady_ms(), 0, 100);
      try {
        zmq::poll(items, 2, std::chrono::milliseconds(wait));
      } catch (const zmq::error_t& e) {
        if (e.num() == EINTR) continue;
        throw;
      }
      if (items[0].revents & ZMQ_POLLIN) drain_dealer();
      if (items[1].revents & ZMQ_POLLIN) drain_pair();
      const int64_t now = steady_ms();
      if (now >= next_heartbeat_ms) {
        send_frames(*dealer, proto::encode_worker(Command::kHeartbeat, proto::Heartbeat{op_id}));
        next_heartbeat_ms = now + opts.heartbeat_interval_ms;
      }
      if (!stopping && now - last_broker_ms > int64_t{opts.heartbeat_interval_ms} * opts.heartbeat_liveness) {
        log::warn("worker {}: broker silent for {} ms, reconnecting in {} ms", opts.worker_id,
                  now - last_broker_ms, backoff_ms);
        dealer.reset();
        if (!sleep_interruptible(backoff_ms, stop)) {
          connect();
          continue;
        }
        backoff_ms = std::min(backoff_ms * 2, opts.reconnect_max_ms);
        connect();
      }
      if (on_tick) on_tick();
    }
    dealer->set(zmq::sockopt::linger, 1000);  // let the hand-back and the goodbye reach the broker
    send_frames(*dealer, proto::encode_worker(Command::kDisconnect,
                                              proto::Disconnect{"worker shutting down", handed_back}));
    log::info("worker {}: stopped{}", opts.worker_id,
              handed_back.empty() ? "" : ", handed back " + handed_back);
  }
};

WorkerSession::WorkerSession(zmq::context_t& context, WorkerSessionOptions options, JobFunction job_function)
    : impl_(std::make_unique<Impl>(context, std::move(options), std::move(job_function))) {}
WorkerSession::~WorkerSession() = default;
void WorkerSession::run(const std::atomic<bool>& stop, const std::function<void()>& on_ready,
                        const std::function<void()>& on_tick) {
  impl_->run(stop, on_ready, on_tick);
}
std::string WorkerSession::progress_endpoint() const {
  return impl_->pub_endpoint;
}

}  // namespace ktrdr::worker
