// ktrdr-broker: binds the client/worker ROUTERs and the progress proxy, then runs the router loop until
// SIGTERM/SIGINT. Exit codes: 0 clean stop, 1 runtime failure, 2 bad options.
#include <zmq.hpp>

#include "command_line.h"
#include "ktrdr/broker/broker.h"
#include "ktrdr/cli/daemon_cli.h"
#include "ktrdr/common/log.h"
#include "ktrdr/net/systemd_notify.h"

int main(int argc, char** argv) {
  using namespace ktrdr;
  // First thing: a SIGTERM during start-up must still be a clean stop.
  const std::atomic<bool>& stop = cli::install_stop_signals();
  broker::CommandLine cl;
  if (const auto rc = cli::parse_daemon_args(broker::parse_command_line, "ktrdr-broker", argc, argv, cl))
    return *rc;
  try {
    zmq::context_t context(1);
    {
      broker::Broker b(context, cl.broker);
      net::notify_ready(fmt::format("clients {}, workers {}", b.clients_endpoint(), b.workers_endpoint()));
      net::WatchdogKeepAlive watchdog;
      b.run(stop, [&watchdog] { watchdog.kick(); });
      net::notify_stopping("broker stopping");
    }
    log::info("broker: stopped");
  } catch (const std::exception& e) {
    log::error("broker: {}", e.what());
    return 1;
  }
  return 0;
}
