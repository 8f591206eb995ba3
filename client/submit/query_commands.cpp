// `ktrdr-submit status`, `list`, `cancel`: one request each (cancel --wait then follows to the end).
#include <iostream>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "broker_client.h"
#include "command_line.h"
#include "commands.h"
#include "exit_codes.h"
#include "follow.h"
#include "ktrdr/common/log.h"
#include "op_view.h"

namespace po = boost::program_options;

namespace ktrdr::cli {

int status_command(ClientOptions& options, const std::vector<std::string>& args) {
  proto::StatusRequest req;
  po::options_description own("Status options");
  own.add_options()("op", po::value(&req.op_id), "operation id (positional; none = fleet status)");
  po::positional_options_description pos;
  pos.add("op", 1);
  po::variables_map vm;
  const std::string usage =
      "usage: ktrdr-submit status [OP]\n\n"
      "Shows one operation (state, attempts, worker, progress, errors), or without OP the fleet:\n"
      "workers, queue length, running jobs.";
  if (auto code = parse_command(args, usage, own, pos, options, vm)) return *code;
  return guarded([&] {
    zmq::context_t context(1);
    BrokerClient broker(context, options);
    const proto::Reply reply = broker.call(proto::Command::kStatus, req);
    if (reply.code != proto::ErrorCode::kOk) return rejected("status", reply);
    if (!req.op_id.empty()) {
      if (reply.operations.empty()) {
        log::error("status: the broker does not know operation {}", req.op_id);
        return to_int(ExitCode::kRejected);
      }
      const auto& op = reply.operations.front();
      std::cout << (options.json ? to_json(op).dump() + "\n" : describe(op));
    } else {
      std::cout << (options.json ? to_json(reply.fleet).dump() + "\n" : describe(reply.fleet));
    }
    return to_int(ExitCode::kOk);
  });
}

int list_command(ClientOptions& options, const std::vector<std::string>& args) {
  proto::ListRequest req;
  std::vector<std::string> states;
  po::options_description own("List options");
  own.add_options()  //
      ("state", po::value(&states)->composing()->value_name("STATE"),
       "only operations in this state (repeatable): pending, running, completed, failed, cancelled, "
       "resuming")                                                                                         //
      ("limit", po::value(&req.limit)->default_value(100), "at most this many, newest first (max 10000)")  //
      ("offset", po::value(&req.offset)->default_value(0), "skip this many first");
  po::positional_options_description pos;
  po::variables_map vm;
  const std::string usage =
      "usage: ktrdr-submit list [--state STATE]... [--limit N] [--offset N]\n\nLists operations, newest "
      "first.";
  if (auto code = parse_command(args, usage, own, pos, options, vm)) return *code;
  for (const auto& s : states) {
    const std::optional<proto::OpState> st = proto::parse_op_state(s);
    if (!st) {
      log::error("list: unknown --state '{}'; use pending, running, completed, failed, cancelled or resuming",
                 s);
      return to_int(ExitCode::kUsage);
    }
    req.states.push_back(*st);
  }
  return guarded([&] {
    zmq::context_t context(1);
    BrokerClient broker(context, options);
    const proto::Reply reply = broker.call(proto::Command::kList, req);
    if (reply.code != proto::ErrorCode::kOk) return rejected("list", reply);
    if (options.json) {
      nlohmann::json ops = nlohmann::json::array();
      for (const auto& op : reply.operations) ops.push_back(to_json(op));
      std::cout << nlohmann::json{{"operations", ops}, {"fleet", to_json(reply.fleet)}}.dump() << '\n';
    } else {
      std::cout << operations_table(reply.operations);
    }
    return to_int(ExitCode::kOk);
  });
}

int cancel_command(ClientOptions& options, const std::vector<std::string>& args) {
  proto::CancelRequest req;
  bool wait = false;
  po::options_description own("Cancel options");
  own.add_options()                                                               //
      ("op", po::value(&req.op_id)->required(), "operation id (positional)")      //
      ("reason,r", po::value(&req.reason), "recorded in the operation's errors")  //
      ("wait", po::bool_switch(&wait), "wait until the operation has stopped");
  po::positional_options_description pos;
  pos.add("op", 1);
  po::variables_map vm;
  const std::string usage =
      "usage: ktrdr-submit cancel OP [--reason TEXT] [--wait]\n\n"
      "Cancels a pending or running operation; a running one stops at once and keeps a checkpoint,\n"
      "so `ktrdr-submit resume OP` continues it later. Exit 0 when the cancellation is accepted\n"
      "(with --wait: when the operation ended cancelled; 3 if it completed first, 4 if it failed).";
  if (auto code = parse_command(args, usage, own, pos, options, vm)) return *code;
  if (req.reason.empty()) req.reason = "cancelled by ktrdr-submit";
  return guarded([&] {
    zmq::context_t context(1);
    BrokerClient broker(context, options);
    const proto::Reply reply = broker.call(proto::Command::kCancel, req);
    if (reply.code != proto::ErrorCode::kOk) return rejected(fmt::format("cancel {}", req.op_id), reply);
    proto::OperationInfo op = reply.operations.empty() ? proto::OperationInfo{} : reply.operations.front();
    if (op.op_id.empty()) op.op_id = req.op_id;
    int code = to_int(ExitCode::kOk);
    if (wait) {
      const FollowOutcome outcome =
          follow_operation(context, broker, options, req.op_id, FollowDisplay::kNone);
      if (outcome.code == ExitCode::kRejected) return rejected("cancel", outcome.message);
      op = outcome.op;
      if (op.state == proto::OpState::kCompleted) code = to_int(ExitCode::kRejected);
      if (op.state == proto::OpState::kFailed) code = to_int(ExitCode::kFailed);
    }
    if (options.json) {
      std::cout << to_json(op).dump() << '\n';
    } else {
      std::cout << fmt::format("{} {}\n", op.op_id, proto::to_string(op.state));
    }
    return code;
  });
}

}  // namespace ktrdr::cli
