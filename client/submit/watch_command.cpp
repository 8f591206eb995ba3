// `ktrdr-submit watch [OP]`: every progress line and state change from the broker's PUB feed.
#include <cerrno>
#include <chrono>
#include <iostream>

#include "command_line.h"
#include "commands.h"
#include "exit_codes.h"
#include "interrupt.h"
#include "ktrdr/client/progress_feed.h"
#include "op_view.h"

namespace po = boost::program_options;

namespace ktrdr::cli {

int watch_command(client::ClientOptions& options, const std::vector<std::string>& args) {
  std::string op_id;
  double duration_s = 0.0;
  uint64_t count = 0;
  po::options_description own("Watch options");
  own.add_options()                                                                //
      ("op", po::value(&op_id), "only this operation (positional; default: all)")  //
      ("duration", po::value(&duration_s)->value_name("SECONDS"),
       "stop after this long (default: Ctrl-C)")  //
      ("count", po::value(&count)->value_name("N"), "stop after N messages");
  po::positional_options_description pos;
  pos.add("op", 1);
  po::variables_map vm;
  const std::string usage =
      "usage: ktrdr-submit watch [OP] [--duration SECONDS] [--count N]\n\n"
      "Prints every progress message and state change published by the broker (one line each;\n"
      "--json: one JSON object per line, with \"type\": \"progress\" or \"event\"). Ends on Ctrl-C.";
  if (auto code = parse_command(args, usage, own, pos, options, vm)) return *code;
  return guarded([&] {
    zmq::context_t context(1);
    client::ProgressFeed feed(context, options.progress, op_id);
    install_interrupt_handler();
    using Clock = std::chrono::steady_clock;
    const auto end = duration_s > 0
                         ? Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(duration_s * 1000))
                         : Clock::time_point::max();
    uint64_t seen = 0;
    while (!interrupted() && Clock::now() < end && (count == 0 || seen < count)) {
      std::optional<client::FeedEvent> ev;
      try {
        ev = feed.next(std::chrono::milliseconds(200));
      } catch (const zmq::error_t& e) {
        if (e.num() != EINTR) throw;
        continue;
      }
      if (!ev) continue;
      ++seen;
      if (options.json) {
        nlohmann::json j =
            ev->command == proto::Command::kProgress ? to_json(ev->progress) : to_json(ev->event);
        j["type"] = ev->command == proto::Command::kProgress ? "progress" : "event";
        std::cout << j.dump() << '\n';
      } else {
        std::cout << (ev->command == proto::Command::kProgress ? watch_line(ev->progress)
                                                               : watch_line(ev->event))
                  << '\n';
      }
      std::cout.flush();
    }
    return to_int(ExitCode::kOk);
  });
}

}  // namespace ktrdr::cli
