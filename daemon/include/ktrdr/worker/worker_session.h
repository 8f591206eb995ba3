// The worker side of the fleet protocol: a DEALER to the broker with heartbeats and reconnect back-off
// (Paranoid Pirate), a progress PUB, and one job at a time on a long-lived job thread. The job thread talks
// to the socket loop over an inproc:// PAIR (through JobContext), so the loop keeps heartbeating while a job
// runs; thread and PAIR live as long as the session, so starting a job costs one hand-over, not a thread.
// What a job does is a JobFunction: ktrdr-worker runs backtests (daemon/src/backtest_job.cpp), the bench and
// the tests run no-op jobs.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ktrdr/proto/messages.h"

namespace zmq {
class context_t;
class socket_t;
}  // namespace zmq

namespace ktrdr::worker {

struct WorkerSessionOptions {
  std::string broker_endpoint = "tcp://127.0.0.1:5556";
  std::string progress_endpoint = "tcp://127.0.0.1:5557";  // "" = no progress PUB
  bool progress_bind = false;  // bind the PUB (dashboards connect to the worker) instead of connecting
  std::string worker_id;       // must be a safe name (proto::is_safe_name)
  std::vector<std::string> capabilities = {"backtest", "noop"};
  // Jobs the broker may send at once: one runs, the others wait here so the next starts without a round
  // trip. > 1 only pays for many short jobs; a job waiting behind a long one could have run elsewhere.
  uint32_t prefetch = 1;
  int heartbeat_interval_ms = proto::kDefaultHeartbeatIntervalMs;
  int heartbeat_liveness = proto::kHeartbeatLiveness;
  int reconnect_min_ms = 250;  // Paranoid Pirate back-off: doubles up to reconnect_max_ms
  int reconnect_max_ms = 8000;
  double progress_max_hz = 10.0;        // PUB rate per job
  double broker_progress_max_hz = 1.0;  // progress forwarded to the broker (status replies)
  int shutdown_grace_ms = 10000;        // graceful stop: how long to wait for the job to checkpoint

  void validate() const;  // throws ktrdr::Error naming the option
};

// Handed to the job function on the job thread. Thread-confined: use it only from that thread.
class JobContext {
 public:
  // `channel` is the job thread's end of the PAIR to the socket loop.
  JobContext(zmq::socket_t& channel, const proto::Job& job, std::string worker_id, double progress_max_hz,
             const std::atomic<bool>& cancel, const std::atomic<bool>& shutting_down);
  ~JobContext();
  JobContext(const JobContext&) = delete;
  JobContext& operator=(const JobContext&) = delete;

  const proto::Job& job() const { return job_; }
  const std::string& worker_id() const { return worker_id_; }
  const std::atomic<bool>& cancel_flag() const { return cancel_; }
  // True when the cancel comes from a graceful stop (hand the job back) rather than a client cancel.
  bool shutting_down() const { return shutting_down_.load(); }

  // Rate-limited to progress_max_hz (a call with force=true always goes out). op_id/worker/attempt/seq are
  // filled in here.
  void progress(proto::Progress p, bool force = false);
  void checkpoint(uint64_t bar_index, std::string blob, proto::CheckpointReason reason);
  // Exactly one of these ends the job.
  void result(std::string result_json, proto::Progress last);
  void failure(proto::ErrorCode code, std::string message, bool retryable);
  bool finished() const;  // result() or failure() was called

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  proto::Job job_;
  std::string worker_id_;
  const std::atomic<bool>& cancel_;
  const std::atomic<bool>& shutting_down_;
};

// Runs one job to completion on the job thread; must end with ctx.result() or ctx.failure() (if it throws,
// the session reports kRunFailed).
using JobFunction = std::function<void(JobContext& ctx)>;

class WorkerSession {
 public:
  WorkerSession(zmq::context_t& context, WorkerSessionOptions options, JobFunction job_function);
  ~WorkerSession();
  WorkerSession(const WorkerSession&) = delete;
  WorkerSession& operator=(const WorkerSession&) = delete;

  // Connects and serves jobs until `stop` is true; then hands a running job back (checkpoint + kShuttingDown)
  // and sends kDisconnect. `on_ready` is called once the sockets are connected, `on_tick` every iteration.
  void run(const std::atomic<bool>& stop, const std::function<void()>& on_ready = {},
           const std::function<void()>& on_tick = {});

  std::string progress_endpoint() const;  // bound endpoint when progress_bind

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ktrdr::worker
