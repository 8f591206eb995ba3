// `ktrdr-submit results OP`: the stored result, verbatim as JSON, as a summary, as CSV files or a chart.
#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

#include "command_line.h"
#include "commands.h"
#include "exit_codes.h"
#include "follow.h"
#include "ktrdr/client/broker_client.h"
#include "ktrdr/common/file_io.h"
#include "ktrdr/common/log.h"
#include "ktrdr/report/result_csv.h"
#include "result_summary.h"

#if __has_include("ktrdr/report/equity_chart.h")
#include "ktrdr/report/equity_chart.h"
#define KTRDR_SUBMIT_HAVE_PLOT 1
#endif

namespace po = boost::program_options;

namespace ktrdr::cli {

int results_command(client::ClientOptions& options, const std::vector<std::string>& args) {
  proto::ResultsRequest req;
  std::string trades_csv, equity_csv, plot;
  po::options_description own("Results options");
  own.add_options()                                                                                 //
      ("op", po::value(&req.op_id)->required(), "operation id (positional)")                        //
      ("trades-csv", po::value(&trades_csv)->value_name("FILE"), "write the closed trades as CSV")  //
      ("equity-csv", po::value(&equity_csv)->value_name("FILE"),
       "write the equity curve as CSV (timestamp,price,portfolio_value,position)")  //
      ("plot", po::value(&plot)->value_name("FILE.svg"), "draw the equity curve and drawdown as SVG");
  po::positional_options_description pos;
  pos.add("op", 1);
  po::variables_map vm;
  const std::string usage =
      "usage: ktrdr-submit results OP [--json] [--trades-csv FILE] [--equity-csv FILE] [--plot FILE.svg]\n\n"
      "Fetches a completed operation's full result. --json prints exactly the JSON that\n"
      "`ktrdr-backtest run --output` writes for the same inputs; otherwise a summary is printed.";
  if (auto code = parse_command(args, usage, own, pos, options, vm)) return *code;
#ifndef KTRDR_SUBMIT_HAVE_PLOT
  if (!plot.empty()) {
    log::error("results: --plot is not built into this ktrdr-submit (no ktrdr/report/equity_chart.h)");
    return to_int(ExitCode::kUsage);
  }
#endif
  return guarded([&] {
    zmq::context_t context(1);
    client::BrokerClient broker(context, options);
    const proto::Reply reply = broker.call(proto::Command::kResults, req);
    if (reply.code != proto::ErrorCode::kOk) {
      log::error("results {}: {} ({})", req.op_id, reply.message, proto::to_string(reply.code));
      if (!reply.operations.empty()) {
        const auto state = reply.operations.front().state;
        if (state == proto::OpState::kFailed || state == proto::OpState::kCancelled) {
          return to_int(exit_code_for(state));
        }
      }
      return to_int(ExitCode::kRejected);
    }
    if (!trades_csv.empty()) write_file_atomically(trades_csv, report::trades_csv(reply.result_json));
    if (!equity_csv.empty()) write_file_atomically(equity_csv, report::equity_csv(reply.result_json));
#ifdef KTRDR_SUBMIT_HAVE_PLOT
    if (!plot.empty()) write_file_atomically(plot, report::render_equity_svg(reply.result_json));
#endif
    if (options.json) {
      std::cout << reply.result_json;  // verbatim: byte-identical to `ktrdr-backtest run --output`
      if (::isatty(STDOUT_FILENO) == 1 && !reply.result_json.empty() && reply.result_json.back() != '\n') {
        std::cout << '\n';
      }
    } else {
      std::cout << fmt::format("operation {}\n", req.op_id) << result_summary(reply.result_json);
    }
    return to_int(ExitCode::kOk);
  });
}

}  // namespace ktrdr::cli
