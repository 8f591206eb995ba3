// Private state of ktrdr::broker::Broker, shared by broker.cpp (sockets, loop, dispatch),
// broker_clients.cpp (client requests) and broker_workers.cpp (worker messages).
#pragma once

#include <deque>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <zmq.hpp>

#include "ktrdr/broker/broker.h"
#include "ktrdr/broker/job_queue.h"
#include "ktrdr/broker/job_store.h"
#include "ktrdr/broker/wal_syncer.h"
#include "ktrdr/broker/worker_registry.h"
#include "ktrdr/net/frames.h"
#include "ktrdr/proto/codec.h"

namespace ktrdr::broker {

using net::configure_socket;
using net::recv_frames;
using net::send_frames;
using net::send_routed;

int64_t now_ns();

struct Broker::Impl {
  Impl(zmq::context_t& context, BrokerOptions options);
  ~Impl();

  // ---- loop (broker.cpp) ----
  void run(const std::atomic<bool>& stop, const std::function<void()>& on_tick);
  // Runs one loop step (heartbeats, dispatch); an exception it throws is logged and counted, never the end
  // of the broker.
  template <typename Fn>
  void loop_step(std::string_view what, Fn&& fn);
  void drain_clients();
  void drain_workers();
  void heartbeat_tick();
  void flush();
  void release_synced(const std::vector<WalSyncer::Done>& done);  // sends the replies a finished fsync covers
  void write_staged();
  void dispatch();
  bool dispatch_one(WorkerEntry& w);  // sends `w` the oldest queued job it can run; false if none
  void publish(const proto::OperationInfo& op, std::string message = {});
  void save(const proto::OperationInfo& op) { store->put_operation(op); }
  proto::OperationInfo* find_op(const std::string& op_id);
  void mark_terminal(proto::OperationInfo& op);
  void enqueue(proto::OperationInfo& op, bool front);
  void remove_from_queue(const std::string& op_id);
  // Re-queue after a lost/failed attempt, or FAILED when max_attempts is reached.
  void retry_or_fail(proto::OperationInfo& op, const std::string& reason);
  void fail(proto::OperationInfo& op, const std::string& reason);
  void send_worker(const std::string& routing_id, proto::Command cmd, const proto::Frames& frames);
  proto::FleetStatus fleet() const;

  // ---- client requests (broker_clients.cpp) ----
  // Catches at its top: a request that makes anything throw is answered kInternal (never the end of the
  // loop).
  void handle_client(const std::string& routing_id, const proto::Frames& frames);
  proto::Reply answer(const proto::ClientMessage& msg, bool& durable);  // one decoded request
  proto::Reply on_start(const proto::StartRequest& req, bool& durable);
  proto::Reply on_resume(const proto::ResumeRequest& req, bool& durable);
  proto::Reply on_status(const proto::StatusRequest& req);
  proto::Reply on_list(const proto::ListRequest& req);
  proto::Reply on_cancel(const proto::CancelRequest& req);
  proto::Reply on_results(const proto::ResultsRequest& req);

  // ---- worker messages (broker_workers.cpp) ----
  // Catches at its top: a message that makes anything throw is dropped and counted.
  void handle_worker(const std::string& routing_id, const proto::Frames& frames);
  void dispatch_worker(const std::string& routing_id,
                       const proto::WorkerMessage& msg);  // one decoded message
  void on_ready(const std::string& rid, const proto::WorkerReady& m);
  void on_checkpoint(WorkerEntry& w, const proto::Checkpoint& m);
  void on_result(WorkerEntry& w, const proto::JobResult& m);
  void on_failure(WorkerEntry& w, const proto::JobFailure& m);
  void on_disconnect(WorkerEntry& w, const proto::Disconnect& m);
  // A worker is gone (expired, disconnected, replaced): its job goes back to the queue.
  // Only the job it was running can count an attempt; jobs waiting on it (prefetch) never started. `keep`
  // is a job the worker still runs (re-registration): it stays assigned.
  void lose_worker(const WorkerEntry& w, const std::string& reason, bool count_attempt,
                   const std::string& keep = {});

  struct Outgoing {
    std::string routing_id;
    uint64_t request_id = 0;
    proto::Reply reply;
    bool durable = false;  // only sent once the store commit succeeded
  };

  zmq::context_t& ctx;
  BrokerOptions opts;
  std::unique_ptr<JobStore> store;
  std::unique_ptr<WalSyncer> syncer;  // after `store`: stopped before the store closes
  WorkerRegistry registry;
  zmq::socket_t clients;
  zmq::socket_t workers;
  zmq::socket_t events;   // PUB -> the proxy's XSUB (inproc), broker's OpEvents
  zmq::socket_t control;  // PAIR -> proxy_steerable control
  std::string bound_clients, bound_workers, bound_progress_in, bound_progress_out;
  std::thread proxy;

  std::unordered_map<std::string, proto::OperationInfo> ops;
  JobQueue queue;                                            // pending/resuming op ids waiting for a worker
  std::deque<std::string> terminal_order;                    // finished ops kept in memory, oldest first
  std::unordered_map<std::string, std::string> staged_keys;  // client keys not yet committed
  std::vector<Outgoing> outbox;
  struct Held {
    uint64_t ticket;  // WalSyncer ticket whose fsync makes the reply's promise true
    Outgoing out;
  };
  std::deque<Held> held;  // durable replies waiting for their fsync, ticket order
  bool durable_pending = false;
  std::mt19937 rng;
  int64_t next_heartbeat_ns = 0;
  int64_t started_ns = 0;
  proto::Frames heartbeat_frames;
  proto::Frames scratch;
  uint64_t dropped_client = 0, dropped_worker = 0;
  uint64_t handler_errors = 0;  // messages whose handling threw (answered kInternal / dropped), see loop_step
};

}  // namespace ktrdr::broker
