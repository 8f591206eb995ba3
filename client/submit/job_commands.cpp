// `ktrdr-submit backtest` and `ktrdr-submit resume`: send the job, then optionally follow or wait for it.
#include <iostream>
#include <random>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "broker_client.h"
#include "command_line.h"
#include "commands.h"
#include "exit_codes.h"
#include "follow.h"
#include "ktrdr/cli/trading_options.h"
#include "ktrdr/common/log.h"
#include "ktrdr/common/time.h"
#include "ktrdr/proto/codec.h"
#include "result_summary.h"

namespace po = boost::program_options;

namespace ktrdr::cli {
namespace {

struct TailOptions {
  bool follow = false;
  bool wait = false;
};

std::string random_key() {
  std::random_device rd;
  return fmt::format("ktrdr-submit-{:08x}{:08x}", rd(), rd());
}

// After a start/resume accepted as `op_id`: print it, or follow/wait and print the outcome.
int finish_submission(ClientOptions& options, zmq::context_t& context, BrokerClient& broker,
                      const std::string& op_id, const TailOptions& tail, const char* initial_status) {
  if (!tail.follow && !tail.wait) {
    if (options.json) {
      std::cout << nlohmann::json{{"operation_id", op_id}, {"status", initial_status}}.dump() << '\n';
    } else {
      std::cout << op_id << '\n';
    }
    return to_int(ExitCode::kOk);
  }
  FollowDisplay display = FollowDisplay::kNone;
  if (tail.follow) display = options.json ? FollowDisplay::kJsonLines : FollowDisplay::kProgress;
  if (tail.follow && !options.json) fmt::print(stderr, "operation {}\n", op_id);
  const FollowOutcome outcome = follow_operation(context, broker, options, op_id, display);
  if (outcome.detached) return to_int(ExitCode::kOk);
  const std::string status(proto::to_string(outcome.op.state));
  if (outcome.code == ExitCode::kRejected) {
    log::error("{}", outcome.message);
    return to_int(outcome.code);
  }
  if (options.json) {
    nlohmann::json j{{"operation_id", op_id}, {"status", status}};
    if (!outcome.op.errors.empty()) j["errors"] = outcome.op.errors;
    std::cout << j.dump() << '\n';
  } else if (tail.wait && !tail.follow) {
    std::cout << op_id << '\n';
  }
  if (outcome.op.state == proto::OpState::kCompleted) {
    if (tail.follow && !options.json) {
      const proto::Reply r = broker.call(proto::Command::kResults, proto::ResultsRequest{op_id});
      if (r.code == proto::ErrorCode::kOk) {
        std::cout << fmt::format("{} completed\n", op_id) << result_summary(r.result_json);
      } else {
        log::warn("{} completed but its result could not be fetched: {}", op_id, r.message);
      }
    }
  } else {
    log::error("{} {}{}", op_id, status, outcome.message.empty() ? "" : ": " + outcome.message);
  }
  return to_int(outcome.code);
}

po::options_description tail_options(TailOptions& tail) {
  po::options_description d("Follow");
  d.add_options()  //
      ("follow,f", po::bool_switch(&tail.follow),
       "show live progress (percentage, bars/s, ETA, equity, P&L, trades) and the summary at the end; "
       "Ctrl-C asks whether to cancel (without a TTY it detaches)")  //
      ("wait", po::bool_switch(&tail.wait),
       "block until the job ends, without progress display; print the operation id "
       "(--json: {operation_id, status}); the exit code tells how it ended");
  return d;
}

}  // namespace

int backtest_command(ClientOptions& options, const std::vector<std::string>& args) {
  proto::StartRequest req;
  proto::JobSpec& job = req.job;
  TailOptions tail;
  po::options_description own("Backtest options");
  own.add_options()                                                         //
      ("strategy", po::value(&job.strategy), "strategy name (positional)")  //
      ("start", po::value(&job.start_date)->required()->value_name("DATE"),
       "first bar, YYYY-MM-DD or ISO-8601, inclusive, naive = UTC (required)")                             //
      ("end", po::value(&job.end_date)->required()->value_name("DATE"), "last bar, inclusive (required)")  //
      ("model,m", po::value(&job.model)->value_name("DIR"),
       "model directory relative to the worker's models root (e.g. trend/1h_v3); default: the strategy's "
       "{timeframe}_latest, else its highest {timeframe}_v{N}")                                             //
      ("model-version", po::value(&job.model_version)->value_name("N"), "use {strategy}/{timeframe}_v{N}")  //
      ("symbol", po::value(&job.symbol), "symbol (default: the model's first training symbol)")             //
      ("timeframe", po::value(&job.timeframe),
       "base timeframe, e.g. 1h (default: the strategy's only one)")  //
      ("mode", mode_value(&job.mode, Mode::kCorrected),
       "ktrdr (reproduce the reference as-is) or corrected (docs/modes.md)")  //
      ("key", po::value(&req.client_key)->value_name("TEXT"),
       "idempotency key: a repeated submission with the same key returns the same operation "
       "(default: a random key per invocation, so retries never start a job twice)");
  add_trading_costs_options(own, job.costs);
  own.add(tail_options(tail));
  po::positional_options_description pos;
  pos.add("strategy", 1);
  po::variables_map vm;
  const std::string usage =
      "usage: ktrdr-submit backtest STRATEGY --start DATE --end DATE [options]\n\n"
      "Queues a backtest on the fleet. The worker resolves the model under its models root:\n"
      "{models}/STRATEGY/{timeframe}_latest (or the highest _v{N}) unless -m names a directory.\n"
      "Prints the operation id, or follows the job with -f / --wait.";
  if (auto code = parse_command(args, usage, own, pos, options, vm)) return *code;

  if (job.strategy.empty() && job.model.empty()) {
    log::error("backtest: give a STRATEGY name or -m MODEL_DIR (see ktrdr-submit backtest --help)");
    return to_int(ExitCode::kUsage);
  }
  for (const auto& [name, value] :
       {std::pair{"--start", &job.start_date}, std::pair{"--end", &job.end_date}}) {
    if (!try_parse_timestamp_ns(*value)) {
      log::error("backtest: {} '{}' is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[Z]", name, *value);
      return to_int(ExitCode::kUsage);
    }
  }
  if (*try_parse_timestamp_ns(job.start_date) > *try_parse_timestamp_ns(job.end_date)) {
    log::error("backtest: --start {} is after --end {}", job.start_date, job.end_date);
    return to_int(ExitCode::kUsage);
  }
  if (req.client_key.empty()) req.client_key = random_key();
  if (const proto::Status s = proto::validate(req); !s.ok()) {
    log::error("backtest: {}", s.message);
    return to_int(ExitCode::kUsage);
  }
  return guarded([&] {
    zmq::context_t context(1);
    BrokerClient broker(context, options);
    const proto::Reply reply = broker.call(proto::Command::kStart, req);
    if (reply.code != proto::ErrorCode::kOk) return rejected("backtest", reply);
    return finish_submission(options, context, broker, reply.op_id, tail, "pending");
  });
}

int resume_command(ClientOptions& options, const std::vector<std::string>& args) {
  proto::ResumeRequest req;
  TailOptions tail;
  po::options_description own("Resume options");
  own.add_options()("op", po::value(&req.op_id)->required(), "operation id (positional)");
  own.add(tail_options(tail));
  po::positional_options_description pos;
  pos.add("op", 1);
  po::variables_map vm;
  const std::string usage =
      "usage: ktrdr-submit resume OP [-f | --wait]\n\n"
      "Continues a cancelled or failed operation from its latest checkpoint (same operation id).";
  if (auto code = parse_command(args, usage, own, pos, options, vm)) return *code;
  return guarded([&] {
    zmq::context_t context(1);
    BrokerClient broker(context, options);
    const proto::Reply reply = broker.call(proto::Command::kResume, req);
    if (reply.code != proto::ErrorCode::kOk) return rejected(fmt::format("resume {}", req.op_id), reply);
    return finish_submission(options, context, broker, reply.op_id.empty() ? req.op_id : reply.op_id, tail,
                             "resuming");
  });
}

}  // namespace ktrdr::cli
