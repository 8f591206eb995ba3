// ktrdr-broker: binds the client/worker ROUTERs and the progress proxy, then runs the router loop until
// SIGTERM/SIGINT. Exit codes: 0 clean stop, 1 runtime failure, 2 bad options.
#include <csignal>
#include <cstdio>

#include <zmq.hpp>

#include "broker_options.h"
#include "ktrdr/common/error.h"
#include "ktrdr/common/log.h"
#include "ktrdr/net/broker.h"
#include "ktrdr/net/systemd_notify.h"

namespace {
std::atomic<bool> g_stop{false};  // the one process-wide flag a signal handler may touch
extern "C" void on_signal(int) {
  g_stop.store(true);
}
}  // namespace

int main(int argc, char** argv) {
  using namespace ktrdr;
  // First thing: a SIGTERM during start-up must still be a clean stop.
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  broker::CommandLine cl;
  try {
    cl = broker::parse_command_line(argc, argv);
  } catch (const std::exception& e) {
    log::error("{}", e.what());
    return 2;
  }
  if (cl.help) {
    std::fputs(cl.help_text.c_str(), stdout);
    return 0;
  }
  log::set_level(cl.log_level);
  try {
    zmq::context_t context(1);
    {
      net::Broker b(context, cl.broker);
      net::notify_ready(fmt::format("clients {}, workers {}", b.clients_endpoint(), b.workers_endpoint()));
      net::WatchdogKeepAlive watchdog;
      b.run(g_stop, [&watchdog] { watchdog.kick(); });
      net::notify_stopping("broker stopping");
    }
    log::info("broker: stopped");
  } catch (const std::exception& e) {
    log::error("broker: {}", e.what());
    return 1;
  }
  return 0;
}
