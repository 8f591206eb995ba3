// Broker: worker messages (ready, heartbeat, progress, checkpoint, result, failure, disconnect) and worker
// loss. Bad messages are dropped and counted; a message from an unregistered worker gets kDisconnect
// (re-register). Error policy: whatever a message makes throw (a store failure, a bug) is caught at the top
// of handle_worker, logged, and the message counted as dropped; it never ends the broker.
#include "broker_impl.h"
#include "ktrdr/common/log.h"

namespace ktrdr::broker {

using proto::Command;
using proto::ErrorCode;
using proto::OperationInfo;
using proto::OpState;

namespace {

template <typename T>
bool decode(std::string_view body, T& out, uint64_t& dropped, std::string_view what) {
  if (proto::Status s = proto::unpack(body, out); !s.ok()) {
    ++dropped;
    if (dropped <= 20 || dropped % 1000 == 0) {
      log::warn("broker: dropped a bad {} message from a worker ({} so far): {}", what, dropped, s.message);
    }
    return false;
  }
  return true;
}

}  // namespace

void Broker::Impl::handle_worker(const std::string& rid, const proto::Frames& frames) {
  proto::WorkerMessage msg;
  if (proto::Status s = proto::decode_worker(frames, msg); !s.ok()) {
    ++dropped_worker;
    if (dropped_worker <= 20 || dropped_worker % 1000 == 0) {
      log::warn("broker: dropped a malformed worker message ({} so far): {}", dropped_worker, s.message);
    }
    return;
  }
  try {
    dispatch_worker(rid, msg);
  } catch (const std::exception& e) {
    ++dropped_worker;
    ++handler_errors;
    log::error("broker: a {} message from a worker failed and was dropped ({} so far): {}",
               proto::to_string(msg.command), handler_errors, e.what());
  }
}

void Broker::Impl::dispatch_worker(const std::string& rid, const proto::WorkerMessage& msg) {
  if (msg.command == Command::kReady) {
    proto::WorkerReady m;
    if (decode(msg.body, m, dropped_worker, "ready")) on_ready(rid, m);
    return;
  }
  WorkerEntry* w = registry.find(rid);
  if (w == nullptr) {
    if (msg.command != Command::kDisconnect) {
      send_routed(
          workers, rid,
          proto::encode_worker(Command::kDisconnect, proto::Disconnect{"unknown worker: send ready", {}}));
    }
    return;
  }
  registry.touch(*w, now_ns());
  switch (msg.command) {
    case Command::kHeartbeat: {
      proto::Heartbeat m;
      (void)decode(msg.body, m, dropped_worker, "heartbeat");
      break;
    }
    case Command::kProgress: {
      proto::Progress m;
      if (!decode(msg.body, m, dropped_worker, "progress")) break;
      if (auto it = ops.find(m.op_id); it != ops.end() && it->second.state == OpState::kRunning &&
                                       it->second.worker_id == w->info.worker_id) {
        it->second.progress = std::move(m);
      }
      break;
    }
    case Command::kCheckpoint: {
      proto::Checkpoint m;
      if (decode(msg.body, m, dropped_worker, "checkpoint")) on_checkpoint(*w, m);
      break;
    }
    case Command::kResult: {
      proto::JobResult m;
      if (decode(msg.body, m, dropped_worker, "result")) on_result(*w, m);
      break;
    }
    case Command::kFailure: {
      proto::JobFailure m;
      if (decode(msg.body, m, dropped_worker, "failure")) on_failure(*w, m);
      break;
    }
    case Command::kDisconnect: {
      proto::Disconnect m;
      if (decode(msg.body, m, dropped_worker, "disconnect")) on_disconnect(*w, m);
      break;
    }
    default:
      ++dropped_worker;
      log::warn("broker: worker {} sent {}, which workers may not send", w->info.worker_id,
                proto::to_string(msg.command));
  }
}

void Broker::Impl::on_ready(const std::string& rid, const proto::WorkerReady& m) {
  const int64_t now = now_ns();
  // A re-registration over the same connection, or the same worker name on a new connection: the old entry
  // goes away; its job is handed over if the worker says it is still running it.
  for (int pass = 0; pass < 2; ++pass) {
    WorkerEntry* old = pass == 0 ? registry.find(rid) : registry.find_by_name(m.worker_id);
    if (old == nullptr) continue;
    WorkerEntry copy = *old;
    registry.remove(copy.routing_id);
    // Jobs it held but no longer runs go back to the queue (only a running one counts an attempt).
    lose_worker(copy, fmt::format("worker {} re-registered without its job", copy.info.worker_id),
                copy.info.op_id != m.current_op, m.current_op);
  }
  WorkerEntry& w = registry.add(rid, m, now);
  log::info("broker: worker {} ready (capabilities {}, current job \"{}\")", m.worker_id,
            fmt::join(m.capabilities, ","), m.current_op);
  if (m.current_op.empty()) return;

  OperationInfo* op = find_op(m.current_op);
  const bool adoptable = op != nullptr && !proto::is_terminal(op->state) &&
                         (op->state != OpState::kRunning || op->worker_id == m.worker_id);
  registry.assign(w, m.current_op);
  if (!adoptable) {
    // Its job was re-dispatched elsewhere or finished: stop it. The worker becomes idle on its failure reply.
    send_worker(
        rid, Command::kCancelJob,
        proto::encode_worker(Command::kCancelJob, proto::CancelJob{m.current_op, "no longer assigned"}));
    return;
  }
  remove_from_queue(op->op_id);
  op->state = OpState::kRunning;
  op->worker_id = m.worker_id;
  if (op->attempts == 0) op->attempts = 1;
  save(*op);
  publish(*op, fmt::format("re-adopted by {}", m.worker_id));
  log::info("broker: {} re-adopted by reconnecting worker {}", op->op_id, m.worker_id);
}

void Broker::Impl::on_checkpoint(WorkerEntry& w, const proto::Checkpoint& m) {
  OperationInfo* op = find_op(m.op_id);
  if (op == nullptr || op->state == OpState::kCompleted) return;
  if (op->has_checkpoint && m.bar_index < op->checkpoint_bar) return;  // an older state: keep ours
  store->put_checkpoint(m);
  op->has_checkpoint = true;
  op->checkpoint_bar = m.bar_index;
  save(*op);
  if (m.reason != proto::CheckpointReason::kPeriodic) durable_pending = true;
  log::debug("broker: checkpoint of {} at bar {} from {} ({})", m.op_id, m.bar_index, w.info.worker_id,
             proto::to_string(m.reason));
}

void Broker::Impl::on_result(WorkerEntry& w, const proto::JobResult& m) {
  if (registry.release(w, m.op_id)) w.info.jobs_done += 1;
  OperationInfo* op = find_op(m.op_id);
  if (op == nullptr) {
    log::warn("broker: result for unknown operation {} from {} discarded", m.op_id, w.info.worker_id);
    return;
  }
  if (op->has_result || op->state == OpState::kCancelled) {
    log::info("broker: duplicate/late result for {} ({}) from {} discarded", m.op_id,
              proto::to_string(op->state), w.info.worker_id);
    return;
  }
  // Another worker may still be running it (at-least-once): stop that one.
  if (op->state == OpState::kRunning && op->worker_id != w.info.worker_id) {
    if (WorkerEntry* other = registry.find_by_name(op->worker_id); other && other->holds(op->op_id)) {
      send_worker(
          other->routing_id, Command::kCancelJob,
          proto::encode_worker(Command::kCancelJob, proto::CancelJob{op->op_id, "completed elsewhere"}));
    }
  }
  store->put_result(op->op_id, m.result_json);
  if (op->has_checkpoint) store->delete_checkpoint(op->op_id);
  remove_from_queue(op->op_id);
  op->has_result = true;
  op->has_checkpoint = false;
  op->checkpoint_bar = 0;
  op->state = OpState::kCompleted;
  op->worker_id = w.info.worker_id;
  op->progress = m.last_progress;
  op->progress.percentage = 100.0;
  mark_terminal(*op);
  save(*op);  // written at once (survives kill -9), fsynced with the next durable reply
  publish(*op, "completed");
}

void Broker::Impl::on_failure(WorkerEntry& w, const proto::JobFailure& m) {
  const bool was_current = registry.release(w, m.op_id);
  OperationInfo* op = find_op(m.op_id);
  if (op == nullptr || op->state != OpState::kRunning || op->worker_id != w.info.worker_id || !was_current) {
    log::debug("broker: failure {} for {} from {} ignored (not its current job)", proto::to_string(m.code),
               m.op_id, w.info.worker_id);
    return;
  }
  const std::string where =
      fmt::format("{} on {}: {}", proto::to_string(m.code), w.info.worker_id, m.message);
  switch (m.code) {
    case ErrorCode::kBusy:
    case ErrorCode::kShuttingDown:
      // Not the job's fault: hand it back without counting the attempt.
      if (op->attempts > 0) op->attempts -= 1;
      op->state = OpState::kResuming;
      enqueue(*op, true);
      save(*op);
      publish(*op, where);
      break;
    default:
      if (!m.retryable) {
        fail(*op, fmt::format("attempt {}: {} (not retryable)", op->attempts, where));
      } else {
        retry_or_fail(*op, where);
      }
  }
}

void Broker::Impl::on_disconnect(WorkerEntry& w, const proto::Disconnect& m) {
  WorkerEntry copy = w;
  registry.remove(w.routing_id);
  log::info("broker: worker {} disconnected ({})", copy.info.worker_id, m.reason);
  lose_worker(copy, fmt::format("worker {} left: {}", copy.info.worker_id, m.reason), false);
}

void Broker::Impl::lose_worker(const WorkerEntry& w, const std::string& reason, bool count_attempt,
                               const std::string& keep) {
  // Back to the front of the queue in the order the worker would have run them: the last first.
  for (auto it = w.jobs.rbegin(); it != w.jobs.rend(); ++it) {
    if (*it == keep) continue;
    OperationInfo* op = find_op(*it);
    if (op == nullptr || op->state != OpState::kRunning || op->worker_id != w.info.worker_id) continue;
    const bool was_running = *it == w.jobs.front();
    if (!count_attempt || !was_running) {
      if (op->attempts > 0) op->attempts -= 1;
      op->state = OpState::kResuming;
      enqueue(*op, true);
      save(*op);
      publish(*op, reason);
      continue;
    }
    retry_or_fail(*op, reason);
  }
}

}  // namespace ktrdr::broker
