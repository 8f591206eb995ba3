// Broker: client requests (start, resume, status, list, cancel, results). Every request gets exactly one
// Reply; a malformed one gets an error Reply when its request id can be read, else it is dropped and counted.
// Error policy: whatever a request makes throw (a store failure, a bug) is caught here, at the top, and
// answered `internal` with the cause; it never ends the broker.
#include <algorithm>

#include "broker_impl.h"
#include "ktrdr/common/log.h"

namespace ktrdr::broker {

using proto::Command;
using proto::ErrorCode;
using proto::OperationInfo;
using proto::OpState;
using proto::Reply;

namespace {

Reply error_reply(ErrorCode code, std::string message) {
  Reply r;
  r.code = code;
  r.message = std::move(message);
  return r;
}

template <typename Req, typename Fn>
Reply decode_and(std::string_view body, Fn&& fn) {
  Req req;
  if (proto::Status s = proto::unpack(body, req); !s.ok()) return error_reply(s.code, s.message);
  return fn(req);
}

}  // namespace

void Broker::Impl::handle_client(const std::string& rid, const proto::Frames& frames) {
  proto::ClientMessage msg;
  const proto::Status st = proto::decode_client(frames, msg);
  Outgoing out{rid, msg.request_id, {}, false};
  if (!st.ok()) {
    ++dropped_client;
    if (frames.size() != 6 || frames[4].empty()) {
      log::debug("broker: dropped a malformed client message: {}", st.message);
      return;  // nothing to correlate a reply with
    }
    out.reply = error_reply(st.code, st.message);
    outbox.push_back(std::move(out));
    return;
  }
  try {
    out.reply = answer(msg, out.durable);
  } catch (const std::exception& e) {
    ++handler_errors;
    log::error("broker: a {} request failed ({} so far): {}", proto::to_string(msg.command), handler_errors,
               e.what());
    out.reply =
        error_reply(ErrorCode::kInternal, fmt::format("the broker could not answer this {} request: {}",
                                                      proto::to_string(msg.command), e.what()));
    out.durable = false;
  }
  if (out.durable) durable_pending = true;
  outbox.push_back(std::move(out));
}

Reply Broker::Impl::answer(const proto::ClientMessage& msg, bool& durable) {
  switch (msg.command) {
    case Command::kStart:
      return decode_and<proto::StartRequest>(msg.body, [&](auto& r) { return on_start(r, durable); });
    case Command::kResume:
      return decode_and<proto::ResumeRequest>(msg.body, [&](auto& r) { return on_resume(r, durable); });
    case Command::kStatus:
      return decode_and<proto::StatusRequest>(msg.body, [&](auto& r) { return on_status(r); });
    case Command::kList:
      return decode_and<proto::ListRequest>(msg.body, [&](auto& r) { return on_list(r); });
    case Command::kCancel: {
      Reply r = decode_and<proto::CancelRequest>(msg.body, [&](auto& req) { return on_cancel(req); });
      durable = r.code == ErrorCode::kOk;
      return r;
    }
    case Command::kResults:
      return decode_and<proto::ResultsRequest>(msg.body, [&](auto& r) { return on_results(r); });
    default:
      return error_reply(ErrorCode::kUnknownCommand,
                         fmt::format("command {} is not a client request", proto::to_string(msg.command)));
  }
}

Reply Broker::Impl::on_start(const proto::StartRequest& req, bool& durable) {
  if (!req.client_key.empty()) {
    std::optional<std::string> existing;
    if (auto it = staged_keys.find(req.client_key); it != staged_keys.end()) {
      existing = it->second;
    } else {
      existing = store->find_client_key(req.client_key).or_throw();
    }
    if (existing) {
      if (OperationInfo* op = find_op(*existing)) {
        Reply r;
        r.op_id = op->op_id;
        r.message = "already accepted under this client_key";
        r.operations.push_back(*op);
        durable = true;  // the original may still be in the uncommitted batch
        return r;
      }
    }
  }
  OperationInfo op;
  const int64_t now = now_ns();
  do {
    op.op_id = proto::make_op_id(now, static_cast<uint32_t>(rng()));
  } while (ops.count(op.op_id) != 0 || !store->get_operation(op.op_id).not_found());
  op.state = OpState::kPending;
  op.job = req.job;
  op.created_ns = now;
  save(op);
  if (!req.client_key.empty()) {
    store->put_client_key(req.client_key, op.op_id);
    staged_keys[req.client_key] = op.op_id;
  }
  durable = true;
  Reply r;
  r.op_id = op.op_id;
  r.operations.push_back(op);
  auto [it, inserted] = ops.emplace(op.op_id, std::move(op));
  queue.push_back(it->first, it->second.job.job_type);
  publish(it->second, "accepted");
  return r;
}

Reply Broker::Impl::on_resume(const proto::ResumeRequest& req, bool& durable) {
  OperationInfo* op = find_op(req.op_id);
  if (op == nullptr)
    return error_reply(ErrorCode::kNotFound, fmt::format("operation {} is unknown", req.op_id));
  if (op->state != OpState::kCancelled && op->state != OpState::kFailed) {
    return error_reply(ErrorCode::kConflict,
                       fmt::format("operation {} is {}; only cancelled or failed operations "
                                   "can be resumed",
                                   req.op_id, proto::to_string(op->state)));
  }
  op->state = OpState::kResuming;
  op->attempts = 0;
  op->finished_ns = 0;
  op->errors.push_back(op->has_checkpoint ? fmt::format("resumed from bar {}", op->checkpoint_bar)
                                          : std::string("resumed without a checkpoint: starting over"));
  auto pos = std::find(terminal_order.begin(), terminal_order.end(), op->op_id);
  if (pos != terminal_order.end()) terminal_order.erase(pos);
  enqueue(*op, false);
  save(*op);
  durable = true;
  publish(*op, "resume requested");
  Reply r;
  r.op_id = op->op_id;
  r.operations.push_back(*op);
  return r;
}

Reply Broker::Impl::on_status(const proto::StatusRequest& req) {
  Reply r;
  r.fleet = fleet();
  if (!req.op_id.empty()) {
    OperationInfo* op = find_op(req.op_id);
    if (op == nullptr)
      return error_reply(ErrorCode::kNotFound, fmt::format("operation {} is unknown", req.op_id));
    r.op_id = op->op_id;
    r.operations.push_back(*op);
  }
  return r;
}

Reply Broker::Impl::on_list(const proto::ListRequest& req) {
  std::vector<const OperationInfo*> hits;
  for (const auto& [id, op] : ops) {
    if (req.states.empty() || std::find(req.states.begin(), req.states.end(), op.state) != req.states.end()) {
      hits.push_back(&op);
    }
  }
  std::sort(hits.begin(), hits.end(), [](const OperationInfo* a, const OperationInfo* b) {
    return a->created_ns != b->created_ns ? a->created_ns > b->created_ns : a->op_id > b->op_id;
  });
  Reply r;
  r.fleet = fleet();
  const std::size_t limit = req.limit == 0 ? 100 : req.limit;
  for (std::size_t i = req.offset; i < hits.size() && r.operations.size() < limit; ++i) {
    r.operations.push_back(*hits[i]);
  }
  r.message = fmt::format("{} of {} operations", r.operations.size(), hits.size());
  return r;
}

Reply Broker::Impl::on_cancel(const proto::CancelRequest& req) {
  OperationInfo* op = find_op(req.op_id);
  if (op == nullptr)
    return error_reply(ErrorCode::kNotFound, fmt::format("operation {} is unknown", req.op_id));
  Reply r;
  r.op_id = op->op_id;
  if (op->state == OpState::kCancelled) {
    r.message = "already cancelled";
    r.operations.push_back(*op);
    return r;
  }
  if (proto::is_terminal(op->state)) {
    return error_reply(ErrorCode::kConflict,
                       fmt::format("operation {} is already {}", req.op_id, proto::to_string(op->state)));
  }
  const std::string reason =
      req.reason.empty() ? std::string("cancelled by client") : "cancelled: " + req.reason;
  if (op->state == OpState::kRunning) {
    if (WorkerEntry* w = registry.find_by_name(op->worker_id); w != nullptr && w->holds(op->op_id)) {
      send_worker(w->routing_id, proto::Command::kCancelJob,
                  proto::encode_worker(proto::Command::kCancelJob, proto::CancelJob{op->op_id, reason}));
    }
  }
  remove_from_queue(op->op_id);
  op->state = OpState::kCancelled;
  op->errors.push_back(reason);
  mark_terminal(*op);
  save(*op);
  publish(*op, reason);
  r.operations.push_back(*op);
  return r;
}

Reply Broker::Impl::on_results(const proto::ResultsRequest& req) {
  OperationInfo* op = find_op(req.op_id);
  if (op == nullptr)
    return error_reply(ErrorCode::kNotFound, fmt::format("operation {} is unknown", req.op_id));
  Reply r;
  r.op_id = op->op_id;
  r.operations.push_back(*op);
  if (!op->has_result) {
    r.code = ErrorCode::kNotReady;
    r.message = fmt::format("operation {} is {}: no result yet", op->op_id, proto::to_string(op->state));
    return r;
  }
  write_staged();  // the result may still be in the uncommitted batch
  StoreResult<std::string> json = store->get_result(op->op_id);
  if (!json.found()) {
    r.code = ErrorCode::kInternal;
    r.message = json.not_found() ? fmt::format("result of {} is missing from the store", op->op_id)
                                 : json.status.message;
    return r;
  }
  r.result_json = std::move(*json.value);
  return r;
}

}  // namespace ktrdr::broker
