// Broker sockets, router loop, persistence flush and LRU dispatch (broker.h). Client and worker message
// handlers live in broker_clients.cpp and broker_workers.cpp.
#include <pthread.h>

#include <algorithm>
#include <chrono>

#include "broker_impl.h"
#include "ktrdr/common/error.h"
#include "ktrdr/common/log.h"

namespace ktrdr::broker {

using proto::Command;
using proto::ErrorCode;
using proto::OperationInfo;
using proto::OpState;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void BrokerOptions::validate() const {
  KTRDR_REQUIRE(!clients_endpoint.empty(), "--clients must name a ZeroMQ endpoint (e.g. tcp://*:5555)");
  KTRDR_REQUIRE(!workers_endpoint.empty(), "--workers must name a ZeroMQ endpoint (e.g. tcp://*:5556)");
  KTRDR_REQUIRE(!progress_in_endpoint.empty(),
                "--progress-in must name a ZeroMQ endpoint (e.g. tcp://*:5557)");
  KTRDR_REQUIRE(!progress_out_endpoint.empty(),
                "--progress-out must name a ZeroMQ endpoint (e.g. tcp://*:5558)");
  KTRDR_REQUIRE(!state_dir.empty(), "--state-dir must name a directory for the job database");
  KTRDR_REQUIRE(heartbeat_interval_ms >= 10 && heartbeat_interval_ms <= 600000,
                "heartbeat-interval-ms must be in [10, 600000] (got {})", heartbeat_interval_ms);
  KTRDR_REQUIRE(heartbeat_liveness >= 2 && heartbeat_liveness <= 100,
                "heartbeat-liveness must be in [2, 100] (got {})", heartbeat_liveness);
  KTRDR_REQUIRE(max_attempts >= 1 && max_attempts <= 100, "max-attempts must be in [1, 100] (got {})",
                max_attempts);
  KTRDR_REQUIRE(max_terminal_in_memory >= 1, "max-terminal-in-memory must be >= 1 (got {})",
                max_terminal_in_memory);
}

namespace {

std::string bind_socket(zmq::socket_t& s, const std::string& endpoint, std::string_view option) {
  try {
    s.bind(endpoint);
  } catch (const zmq::error_t& e) {
    KTRDR_FAIL("{} {}: cannot bind: {} (is the address in use, or the ipc directory missing?)", option,
               endpoint, e.what());
  }
  return s.get(zmq::sockopt::last_endpoint);
}

}  // namespace

Broker::Impl::Impl(zmq::context_t& context, BrokerOptions options)
    : ctx(context),
      opts(std::move(options)),
      registry(int64_t{opts.heartbeat_interval_ms} * 1000000, opts.heartbeat_liveness),
      clients(context, zmq::socket_type::router),
      workers(context, zmq::socket_type::router),
      events(context, zmq::socket_type::pub),
      control(context, zmq::socket_type::pair),
      rng(std::random_device{}()) {
  opts.validate();
  store = JobStore::open(opts.state_dir);
  syncer = std::make_unique<WalSyncer>(ctx, *store);
  started_ns = now_ns();
  configure_socket(clients);
  configure_socket(workers);
  configure_socket(events);
  control.set(zmq::sockopt::linger, 0);
  bound_clients = bind_socket(clients, opts.clients_endpoint, "--clients");
  bound_workers = bind_socket(workers, opts.workers_endpoint, "--workers");

  // Progress proxy: XSUB (workers' PUB + our events PUB) -> XPUB (dashboards), on its own thread.
  zmq::socket_t xsub(context, zmq::socket_type::xsub);
  zmq::socket_t xpub(context, zmq::socket_type::xpub);
  zmq::socket_t proxy_control(context, zmq::socket_type::pair);
  configure_socket(xsub);
  configure_socket(xpub);
  proxy_control.set(zmq::sockopt::linger, 0);
  bound_progress_in = bind_socket(xsub, opts.progress_in_endpoint, "--progress-in");
  bound_progress_out = bind_socket(xpub, opts.progress_out_endpoint, "--progress-out");
  const std::string tag = fmt::format("{}", static_cast<const void*>(this));
  xsub.bind("inproc://ktrdr-broker-events-" + tag);
  proxy_control.bind("inproc://ktrdr-broker-proxy-" + tag);
  control.connect("inproc://ktrdr-broker-proxy-" + tag);
  events.connect("inproc://ktrdr-broker-events-" + tag);
  proxy =
      std::thread([xsub = std::move(xsub), xpub = std::move(xpub), pc = std::move(proxy_control)]() mutable {
        pthread_setname_np(pthread_self(), "ktrdr-proxy");
        try {
          zmq::proxy_steerable(xsub, xpub, zmq::socket_ref(), pc);
        } catch (const zmq::error_t& e) {
          if (e.num() != ETERM) log::error("progress proxy stopped: {}", e.what());
        }
      });

  heartbeat_frames = proto::encode_worker(Command::kHeartbeat, proto::Heartbeat{});

  // Reload: every unfinished operation goes back to the queue (oldest first); running ones resume from
  // their latest checkpoint unless their worker reconnects and claims them first.
  std::size_t corrupt = 0;
  std::vector<OperationInfo> loaded = store->load_operations(&corrupt);
  std::sort(loaded.begin(), loaded.end(),
            [](const auto& a, const auto& b) { return a.created_ns < b.created_ns; });
  std::size_t requeued = 0;
  for (OperationInfo& op : loaded) {
    const std::string id = op.op_id;
    if (proto::is_terminal(op.state)) {
      ops.emplace(id, std::move(op));
      terminal_order.push_back(id);
      continue;
    }
    if (op.state == OpState::kRunning) {
      op.state = OpState::kResuming;
      store->put_operation(op);
    }
    queue.push_back(id, op.job.job_type);
    ops.emplace(id, std::move(op));
    ++requeued;
  }
  while (terminal_order.size() > opts.max_terminal_in_memory) {
    ops.erase(terminal_order.front());
    terminal_order.pop_front();
  }
  if (StoreStatus s = store->commit(true); !s.ok()) KTRDR_FAIL("{}", s.message);
  log::info("broker: {} operations loaded from {}, {} queued; clients {}, workers {}, progress {} -> {}",
            loaded.size(), opts.state_dir, requeued, bound_clients, bound_workers, bound_progress_in,
            bound_progress_out);
  if (corrupt != 0) {
    log::error(
        "broker: {} corrupt operation records in {} were skipped (requests naming them get \"internal\")",
        corrupt, opts.state_dir);
  }
}

Broker::Impl::~Impl() {
  try {
    (void)control.send(zmq::str_buffer("TERMINATE"), zmq::send_flags::dontwait);
  } catch (const zmq::error_t& e) {
    log::warn("broker: cannot stop the progress proxy: {}", e.what());
  }
  if (proxy.joinable()) proxy.join();
  if (StoreStatus s = store->commit(true); !s.ok()) log::error("broker: final commit: {}", s.message);
}

template <typename Fn>
void Broker::Impl::loop_step(std::string_view what, Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    ++handler_errors;
    log::error("broker: {} failed ({} handler errors so far): {}", what, handler_errors, e.what());
  }
}

void Broker::Impl::run(const std::atomic<bool>& stop, const std::function<void()>& on_tick) {
  const int64_t interval_ns = int64_t{opts.heartbeat_interval_ms} * 1000000;
  next_heartbeat_ns = now_ns() + interval_ns;
  while (!stop.load(std::memory_order_relaxed)) {
    zmq::pollitem_t items[] = {{clients.handle(), 0, ZMQ_POLLIN, 0},
                               {workers.handle(), 0, ZMQ_POLLIN, 0},
                               {syncer->wakeup().handle(), 0, ZMQ_POLLIN, 0}};
    const int64_t wait_ms = std::clamp<int64_t>((next_heartbeat_ns - now_ns()) / 1000000, 0, 100);
    try {
      zmq::poll(items, 3, std::chrono::milliseconds(wait_ms));
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      throw;
    }
    if (items[2].revents & ZMQ_POLLIN) release_synced(syncer->take_done());
    if (items[1].revents & ZMQ_POLLIN) drain_workers();
    if (items[0].revents & ZMQ_POLLIN) drain_clients();
    if (now_ns() >= next_heartbeat_ns) {
      loop_step("heartbeat", [this] { heartbeat_tick(); });
      next_heartbeat_ns = now_ns() + interval_ns;
    }
    loop_step("dispatch", [this] { dispatch(); });  // before the commit and fsync: the worker gets the job
                                                    // while the WAL syncs
    flush();
    if (on_tick) on_tick();
  }
  flush();
  release_synced(syncer->wait_all(5000));  // answer what was accepted; unanswered clients retry
  log::info(
      "broker: stopping ({} operations, {} queued, {} workers; dropped {} client / {} worker messages; {} "
      "handler errors)",
      ops.size(), queue.size(), registry.size(), dropped_client, dropped_worker, handler_errors);
}

void Broker::Impl::drain_clients() {
  for (int i = 0; i < 4096; ++i) {
    if (!recv_frames(clients, scratch)) return;
    if (scratch.size() < 2) {
      ++dropped_client;
      continue;
    }
    const std::string rid = std::move(scratch.front());
    scratch.erase(scratch.begin());
    handle_client(rid, scratch);
    // Group commit: a burst of starts shares one fsync, but a burst is not allowed to grow unbounded.
    if (store->staged_bytes() > (64u << 20)) flush();
  }
}

void Broker::Impl::drain_workers() {
  for (int i = 0; i < 4096; ++i) {
    if (!recv_frames(workers, scratch)) return;
    if (scratch.size() < 2) {
      ++dropped_worker;
      continue;
    }
    const std::string rid = std::move(scratch.front());
    scratch.erase(scratch.begin());
    handle_worker(rid, scratch);
    if (store->staged_bytes() > (64u << 20)) flush();
  }
}

void Broker::Impl::heartbeat_tick() {
  const int64_t now = now_ns();
  for (const WorkerEntry& dead : registry.expire(now)) {
    log::warn("broker: worker {} silent for {} heartbeats, declared dead", dead.info.worker_id,
              opts.heartbeat_liveness);
    lose_worker(dead,
                fmt::format("worker {} lost (no heartbeat for {} intervals)", dead.info.worker_id,
                            opts.heartbeat_liveness),
                true);
  }
  for (const std::string& rid : registry.routing_ids())
    send_worker(rid, Command::kHeartbeat, heartbeat_frames);
}

void Broker::Impl::send_worker(const std::string& rid, Command cmd, const proto::Frames& frames) {
  if (send_routed(workers, rid, frames)) return;
  // The peer is gone (or its queue is full): treat it as disconnected.
  if (WorkerEntry* w = registry.find(rid)) {
    WorkerEntry copy = *w;
    registry.remove(rid);
    log::warn("broker: cannot send {} to worker {}: peer gone", proto::to_string(cmd), copy.info.worker_id);
    lose_worker(copy, fmt::format("worker {} unreachable", copy.info.worker_id), cmd != Command::kJob);
  }
}

void Broker::Impl::flush() {
  // 1. write the staged batch to the WAL (no fsync: survives a process kill, and jobs can be dispatched at
  //    once); 2. when a reply promises durability (accepted start, resume, cancel, failure verdict), ask the
  //    syncer for an fsync and hold those replies until it is done (group commit: one fsync covers every
  //    batch written before it starts, and the loop keeps working meanwhile); 3. send the other replies now.
  const StoreStatus s = store->commit(false);
  if (!s.ok()) log::error("broker: {}", s.message);
  const uint64_t ticket = s.ok() && durable_pending && opts.sync_writes ? syncer->request() : 0;
  staged_keys.clear();
  durable_pending = false;
  for (Outgoing& o : outbox) {
    if (o.durable && !s.ok()) {
      o.reply = proto::Reply{
          ErrorCode::kInternal, "the broker could not persist the request: " + s.message, {}, {}, {}, {}};
    } else if (o.durable && ticket != 0) {
      held.push_back(Held{ticket, std::move(o)});
      continue;
    }
    (void)send_routed(clients, o.routing_id, proto::encode_reply(o.request_id, o.reply));
  }
  outbox.clear();
}

void Broker::Impl::release_synced(const std::vector<WalSyncer::Done>& done) {
  for (const WalSyncer::Done& d : done) {
    if (!d.status.ok()) log::error("broker: {}", d.status.message);
    while (!held.empty() && held.front().ticket <= d.ticket) {
      Outgoing& o = held.front().out;
      if (!d.status.ok()) {
        o.reply = proto::Reply{ErrorCode::kInternal,
                               "the broker could not persist the request: " + d.status.message,
                               {},
                               {},
                               {},
                               {}};
      }
      (void)send_routed(clients, o.routing_id, proto::encode_reply(o.request_id, o.reply));
      held.pop_front();
    }
  }
}

void Broker::Impl::write_staged() {
  if (StoreStatus s = store->commit(false); !s.ok()) log::error("broker: {}", s.message);
}

void Broker::Impl::dispatch() {
  // Workers with room in dispatch order (idle ones first, LRU); each takes the oldest queued job it can run,
  // so a job type no available worker supports waits without holding up the others. Rounds of one job per
  // worker until the queue or the room runs out: with prefetch > 1 the jobs spread over the workers.
  bool assigned = true;
  while (assigned && !queue.empty() && registry.available_count() != 0) {
    assigned = false;
    for (const std::string& rid : registry.available_routing_ids()) {
      if (queue.empty()) return;
      WorkerEntry* w = registry.find(rid);
      if (w != nullptr && w->has_room() && dispatch_one(*w)) assigned = true;
    }
  }
}

bool Broker::Impl::dispatch_one(WorkerEntry& w) {
  while (std::optional<std::string> op_id = queue.pop_for(w.info.capabilities)) {
    OperationInfo* op = find_op(*op_id);
    if (op == nullptr || (op->state != OpState::kPending && op->state != OpState::kResuming)) continue;
    if (op->attempts >= opts.max_attempts) {
      fail(*op, fmt::format("gave up after {} attempts", op->attempts));
      continue;
    }
    op->attempts += 1;
    op->state = OpState::kRunning;
    op->worker_id = w.info.worker_id;
    if (op->started_ns == 0) op->started_ns = now_ns();
    proto::Job job{op->op_id, op->attempts, op->job, {}, 0};
    if (op->has_checkpoint) {
      write_staged();  // reads see committed data only; the checkpoint may have arrived this iteration
      StoreResult<proto::Checkpoint> ck = store->get_checkpoint(op->op_id);
      if (ck.found()) {
        job.checkpoint = std::move(ck.value->blob);
        job.checkpoint_bar = ck.value->bar_index;
      } else if (!ck.not_found()) {
        // The job still runs (from the worker's own checkpoint, or from the start): slower, never wrong.
        log::error("broker: {}", ck.status.message);
        op->errors.push_back(fmt::format("attempt {}: the broker's checkpoint is unreadable ({}): {}",
                                         op->attempts, to_string(ck.status.code), ck.status.message));
      }
    }
    registry.assign(w, op->op_id);
    save(*op);
    publish(*op, fmt::format("attempt {} on {}", op->attempts, op->worker_id));
    const std::string rid = w.routing_id;  // send_worker may drop `w`
    send_worker(rid, Command::kJob, proto::encode_worker(Command::kJob, job));
    return true;
  }
  return false;
}

void Broker::Impl::publish(const OperationInfo& op, std::string message) {
  proto::OpEvent e{op.op_id, op.state, op.worker_id, std::move(message), now_ns()};
  (void)send_frames(events, proto::encode_op_event(e), true);
}

OperationInfo* Broker::Impl::find_op(const std::string& op_id) {
  if (auto it = ops.find(op_id); it != ops.end()) return &it->second;
  if (!proto::is_valid_op_id(op_id)) return nullptr;
  // An I/O error or a corrupt record throws: the handler's top answers "internal" (never "not found").
  std::optional<OperationInfo> stored = store->get_operation(op_id).or_throw();
  if (!stored) return nullptr;
  auto [it, inserted] = ops.emplace(op_id, std::move(*stored));
  if (proto::is_terminal(it->second.state)) mark_terminal(it->second);
  return &it->second;
}

void Broker::Impl::mark_terminal(OperationInfo& op) {
  if (op.finished_ns == 0) op.finished_ns = now_ns();
  terminal_order.push_back(op.op_id);
  while (terminal_order.size() > opts.max_terminal_in_memory) {
    const std::string victim = terminal_order.front();
    terminal_order.pop_front();
    auto it = ops.find(victim);
    if (it != ops.end() && proto::is_terminal(it->second.state) && victim != op.op_id) ops.erase(it);
  }
}

void Broker::Impl::enqueue(OperationInfo& op, bool front) {
  if (front) {
    queue.push_front(op.op_id, op.job.job_type);
  } else {
    queue.push_back(op.op_id, op.job.job_type);
  }
}

void Broker::Impl::remove_from_queue(const std::string& op_id) {
  queue.remove(op_id);
}

void Broker::Impl::retry_or_fail(OperationInfo& op, const std::string& reason) {
  op.errors.push_back(fmt::format("attempt {}: {}", op.attempts, reason));
  if (op.attempts >= opts.max_attempts) {
    fail(op, fmt::format("gave up after {} attempts", op.attempts));
    return;
  }
  op.state = OpState::kResuming;
  enqueue(op, true);
  save(op);
  publish(op, reason);
  log::info("broker: {} re-queued after attempt {} ({})", op.op_id, op.attempts, reason);
}

void Broker::Impl::fail(OperationInfo& op, const std::string& reason) {
  op.errors.push_back(reason);
  op.state = OpState::kFailed;
  remove_from_queue(op.op_id);
  mark_terminal(op);
  save(op);
  durable_pending = true;
  publish(op, reason);
  log::warn("broker: {} failed: {}", op.op_id, reason);
}

proto::FleetStatus Broker::Impl::fleet() const {
  proto::FleetStatus f;
  f.workers = registry.snapshot();
  f.queue_length = queue.size();
  f.running = static_cast<uint64_t>(std::count_if(f.workers.begin(), f.workers.end(), [](const auto& w) {
    return w.state == proto::WorkerState::kBusy;
  }));
  f.operations = ops.size();
  f.broker_started_ns = started_ns;
  return f;
}

// ---- public API ----
Broker::Broker(zmq::context_t& context, BrokerOptions options)
    : impl_(std::make_unique<Impl>(context, std::move(options))) {}
Broker::~Broker() = default;
std::string Broker::clients_endpoint() const {
  return impl_->bound_clients;
}
std::string Broker::workers_endpoint() const {
  return impl_->bound_workers;
}
std::string Broker::progress_in_endpoint() const {
  return impl_->bound_progress_in;
}
std::string Broker::progress_out_endpoint() const {
  return impl_->bound_progress_out;
}
void Broker::run(const std::atomic<bool>& stop, const std::function<void()>& on_tick) {
  impl_->run(stop, on_tick);
}

}  // namespace ktrdr::broker
