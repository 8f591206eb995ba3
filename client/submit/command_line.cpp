#include "command_line.h"

#include <iostream>

#include <zmq.hpp>

#include "exit_codes.h"
#include "ktrdr/client/broker_client.h"
#include "ktrdr/common/error.h"
#include "ktrdr/common/log.h"

namespace po = boost::program_options;

namespace ktrdr::cli {

po::options_description common_options(client::ClientOptions& options) {
  po::options_description d("Common options");
  d.add_options()  //
      ("broker", po::value(&options.broker)->value_name("EP"),
       "broker client endpoint (env KTRDR_BROKER, default tcp://127.0.0.1:5555)")  //
      ("progress", po::value(&options.progress)->value_name("EP"),
       "broker progress feed endpoint (env KTRDR_PROGRESS, default tcp://127.0.0.1:5558)")  //
      ("timeout-ms", po::value(&options.timeout_ms)->value_name("MS"),
       "wait this long for each broker reply (default 2500)")  //
      ("retries",
       po::value<int>()->value_name("N")->notifier([&options](int n) { options.attempts = n + 1; }),
       "resend an unanswered request N times on a fresh socket before giving up (default 2)")  //
      ("json", po::value<bool>(&options.json)->zero_tokens()->implicit_value(true),
       "machine-readable JSON on stdout")  //
      ("verbose,v", po::value<bool>()->zero_tokens()->implicit_value(true)->notifier([](bool on) {
        if (on) log::set_level(log::Level::kDebug);
      }),
       "debug messages on stderr");
  return d;
}

std::optional<int> parse_command(const std::vector<std::string>& args, const std::string& usage,
                                 const po::options_description& own,
                                 const po::positional_options_description& positional,
                                 client::ClientOptions& options, po::variables_map& vm) {
  po::options_description help_opt;
  help_opt.add_options()("help,h", "show this help");
  po::options_description all;
  all.add(own).add(common_options(options)).add(help_opt);
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  try {
    po::store(po::command_line_parser(rest).options(all).positional(positional).run(), vm);
    if (vm.count("help")) {
      std::cout << usage << "\n\n" << own << "\n" << common_options(options) << "\n" << kExitCodeHelp;
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    log::error("{}: {} (see ktrdr-submit {} --help)", args.front(), e.what(), args.front());
    return to_int(ExitCode::kUsage);
  }
  if (options.timeout_ms <= 0 || options.attempts < 1) {
    log::error("{}: --timeout-ms must be > 0 and --retries >= 0 (got {} and {})", args.front(),
               options.timeout_ms, options.attempts - 1);
    return to_int(ExitCode::kUsage);
  }
  return std::nullopt;
}

int rejected(const std::string& what, const proto::Reply& reply) {
  log::error("{} rejected ({}): {}", what, proto::to_string(reply.code), reply.message);
  return to_int(ExitCode::kRejected);
}

int rejected(const std::string& what, const std::string& message) {
  log::error("{} rejected: {}", what, message);
  return to_int(ExitCode::kRejected);
}

int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const client::BrokerUnreachable& e) {
    log::error("{}", e.what());
    return to_int(ExitCode::kUnreachable);
  } catch (const ktrdr::Error& e) {
    log::error("{}", e.what());
    return to_int(ExitCode::kError);
  } catch (const zmq::error_t& e) {
    log::error("zmq: {}", e.what());
    return to_int(ExitCode::kError);
  } catch (const std::exception& e) {
    log::error("{}", e.what());
    return to_int(ExitCode::kError);
  }
}

}  // namespace ktrdr::cli
