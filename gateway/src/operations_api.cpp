// /api/v1/backtests/start, /api/v1/operations (list, one, cancel, resume), /api/v1/fleet and /health.
#include <random>

#include <fmt/format.h>

#include "gateway_impl.h"
#include "ktrdr/client/json_view.h"
#include "ktrdr/common/time.h"
#include "ktrdr/gateway/api_error.h"
#include "ktrdr/gateway/operation_json.h"
#include "ktrdr/gateway/start_request.h"

namespace ktrdr::gateway {
namespace {

using Json = nlohmann::json;
using proto::OpState;

bool parse_bool(const std::string& name, const std::string& text) {
  if (text == "true" || text == "1" || text == "yes") return true;
  if (text == "false" || text == "0" || text == "no") return false;
  throw ApiError(400, fmt::format("{} \"{}\" is not a boolean; use true or false", name, text));
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

void Gateway::Impl::start_backtest(const Request& req, Response& res) {
  proto::StartRequest start;
  start.job = parse_start_request(req.body);
  // Idempotent under Lazy Pirate resends: a start resent after a lost reply returns the same operation.
  start.client_key =
      req.has_header("Idempotency-Key")
          ? "http-" + req.get_header_value("Idempotency-Key")
          : fmt::format("gateway-{:08x}{:08x}", std::random_device{}(), std::random_device{}());
  const proto::Reply reply = broker.call(proto::Command::kStart, start);
  throw_if_error(reply);
  const proto::JobSpec& job = start.job;
  const std::string target =
      job.symbol.empty() && job.timeframe.empty()
          ? job.strategy
          : fmt::format("{} {}", job.symbol.empty() ? job.strategy : job.symbol, job.timeframe);
  send_json(res, 200,
            {{"success", true},
             {"operation_id", reply.op_id},
             {"status", "started"},
             {"message", "Backtest started for " + target},
             {"symbol", job.symbol.empty() ? Json() : Json(job.symbol)},
             {"timeframe", job.timeframe.empty() ? Json() : Json(job.timeframe)},
             {"mode", "distributed"}});
}

void Gateway::Impl::list_operations(const Request& req, Response& res) {
  proto::ListRequest list;
  list.limit = static_cast<uint32_t>(size_param(req, "limit", 10, 1, 10000));
  list.offset = static_cast<uint32_t>(size_param(req, "offset", 0, 0, 1u << 30));
  std::vector<OpState> states;
  if (req.has_param("status")) {
    const std::string text = req.get_param_value("status");
    std::size_t begin = 0;
    while (begin <= text.size()) {
      const std::size_t end = std::min(text.find(',', begin), text.size());
      const std::string name = lower(text.substr(begin, end - begin));
      const std::optional<OpState> s = proto::parse_op_state(name);
      if (!s) {
        throw ApiError(400, fmt::format("status \"{}\" is unknown; use pending, running, completed, failed, "
                                        "cancelled or resuming (comma-separated for several)",
                                        name));
      }
      states.push_back(*s);
      begin = end + 1;
    }
  }
  if (req.has_param("active_only") && parse_bool("active_only", req.get_param_value("active_only"))) {
    const std::vector<OpState> active = {OpState::kPending, OpState::kRunning, OpState::kResuming};
    if (states.empty()) {
      states = active;
    } else {
      std::erase_if(states,
                    [&](OpState s) { return std::find(active.begin(), active.end(), s) == active.end(); });
      if (states.empty()) {  // e.g. status=completed&active_only=true: nothing can match
        send_json(res, 200,
                  {{"success", true}, {"data", Json::array()}, {"total_count", 0}, {"active_count", 0}});
        return;
      }
    }
  }
  // The fleet runs backtests only: another operation type lists nothing.
  const bool other_type =
      req.has_param("operation_type") && lower(req.get_param_value("operation_type")) != "backtesting";
  list.states = states;
  const proto::Reply reply = broker.call(proto::Command::kList, list);
  throw_if_error(reply);
  Json data = Json::array();
  const int64_t now = wall_now_ns();
  if (!other_type) {
    for (const auto& op : reply.operations) data.push_back(operation_json(op, summary_of(op), now));
  }
  const uint64_t total = other_type ? 0 : reply.total;
  send_json(res, 200,
            {{"success", true},
             {"data", data},
             {"total_count", total},
             {"active_count", reply.fleet.queue_length + reply.fleet.running}});
}

void Gateway::Impl::get_operation(const Request& req, Response& res) {
  const std::string op_id = req.matches[1];
  const proto::Reply reply = broker.call(proto::Command::kStatus, proto::StatusRequest{op_id});
  throw_if_error(reply, op_id);
  if (reply.operations.empty()) throw ApiError(404, fmt::format("Operation not found: {}", op_id));
  const proto::OperationInfo& op = reply.operations.front();
  send_json(res, 200, {{"success", true}, {"data", operation_json(op, summary_of(op), wall_now_ns())}});
}

void Gateway::Impl::cancel_operation(const Request& req, Response& res) {
  proto::CancelRequest cancel;
  cancel.op_id = req.matches[1];
  if (req.has_param("reason")) cancel.reason = req.get_param_value("reason");
  if (!req.body.empty()) {
    const Json body = Json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      throw ApiError(400, "request body is not a JSON object; send {\"reason\": \"...\"} or nothing");
    }
    if (const auto it = body.find("reason"); it != body.end() && it->is_string())
      cancel.reason = it->get<std::string>();
  }
  if (cancel.reason.empty()) cancel.reason = "cancelled through the gateway";
  const proto::Reply reply = broker.call(proto::Command::kCancel, cancel);
  throw_if_error(reply, cancel.op_id, 400);
  proto::OperationInfo op = reply.operations.empty() ? proto::OperationInfo{} : reply.operations.front();
  send_json(res, 200,
            {{"success", true},
             {"data",
              {{"operation_id", cancel.op_id},
               {"status", std::string(proto::to_string(op.state))},
               {"cancelled_at", client::time_or_null(op.finished_ns)},
               {"cancellation_reason", cancel.reason},
               {"message", reply.message}}}});
}

void Gateway::Impl::resume_operation(const Request& req, Response& res) {
  const std::string op_id = req.matches[1];
  const proto::Reply reply = broker.call(proto::Command::kResume, proto::ResumeRequest{op_id});
  throw_if_error(reply, op_id, 409);
  const proto::OperationInfo op =
      reply.operations.empty() ? proto::OperationInfo{} : reply.operations.front();
  send_json(res, 200,
            {{"success", true},
             {"data",
              {{"operation_id", op_id},
               {"status", std::string(proto::to_string(op.state))},
               {"resumed_from",
                {{"has_checkpoint", op.has_checkpoint},
                 {"bar_index", op.has_checkpoint ? Json(op.checkpoint_bar) : Json()}}}}}});
}

void Gateway::Impl::get_fleet(const Request&, Response& res) {
  const proto::Reply reply = broker.call(proto::Command::kStatus, proto::StatusRequest{});
  throw_if_error(reply);
  send_json(res, 200, {{"success", true}, {"data", client::to_json(reply.fleet)}});
}

void Gateway::Impl::health(const Request&, Response& res) {
  Json body = {{"service", "ktrdr-gateway"}, {"timestamp", format_iso_utc(wall_now_ns())}};
  try {
    const proto::Reply reply = broker.call(proto::Command::kStatus, proto::StatusRequest{});
    uint64_t idle = 0;
    for (const auto& w : reply.fleet.workers) idle += w.state == proto::WorkerState::kIdle ? 1 : 0;
    body["healthy"] = true;
    body["status"] = "operational";
    body["broker"] = {{"endpoint", broker.endpoint()},
                      {"reachable", true},
                      {"workers", reply.fleet.workers.size()},
                      {"idle_workers", idle},
                      {"queue_length", reply.fleet.queue_length},
                      {"running", reply.fleet.running}};
    send_json(res, 200, body);
  } catch (const client::BrokerUnreachable& e) {
    body["healthy"] = false;
    body["status"] = "broker unreachable";
    body["broker"] = {{"endpoint", broker.endpoint()}, {"reachable", false}};
    body["success"] = false;
    body["detail"] = e.what();
    send_json(res, 503, body);
  }
}

}  // namespace ktrdr::gateway
