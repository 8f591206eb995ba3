// ktrdr-gateway: connects to the broker and its progress feed, listens for HTTP, serves until
// SIGTERM/SIGINT. Exit codes: 0 clean stop, 1 runtime failure, 2 bad options.
#include <filesystem>
#include <fstream>
#include <thread>

#include <zmq.hpp>

#include "command_line.h"
#include "ktrdr/cli/daemon_cli.h"
#include "ktrdr/common/log.h"
#include "ktrdr/gateway/gateway.h"
#include "ktrdr/net/systemd_notify.h"

int main(int argc, char** argv) {
  using namespace ktrdr;
  const std::atomic<bool>& stop = cli::install_stop_signals();
  gateway::CommandLine cl;
  if (const auto rc = cli::parse_daemon_args(gateway::parse_command_line, "ktrdr-gateway", argc, argv, cl)) return *rc;
  const gateway::GatewayOptions& o = cl.gateway;
  std::string web_root = o.web_root;
  if (web_root.empty()) {
    web_root = gateway::find_web_root(KTRDR_GATEWAY_INSTALLED_WEB_ROOT);
    if (web_root.empty()) {
      log::warn(
          "gateway: no dashboard files found next to the binary nor in {}; serving the API only (set "
          "--web-root)",
          KTRDR_GATEWAY_INSTALLED_WEB_ROOT);
    }
  } else if (!std::filesystem::is_regular_file(std::filesystem::path(web_root) / "index.html")) {
    log::error("--web-root {}: no index.html there; point it at the dashboard's directory (gateway/web)",
               web_root);
    return 2;
  }
  try {
    zmq::context_t context(1);
    {
      gateway::Gateway g(context, o, web_root);
      g.start();
      if (!o.port_file.empty()) {
        std::ofstream(o.port_file) << g.port() << '\n';
      }
      log::info("gateway: listening on http://{}:{} (broker {}, feed {}{}{})", o.listen_host, g.port(),
                o.broker, o.progress, web_root.empty() ? "" : ", dashboard ", web_root);
      net::notify_ready(fmt::format("http://{}:{}", o.listen_host, g.port()));
      net::WatchdogKeepAlive watchdog;
      while (!stop.load() && g.serving()) {
        watchdog.kick();
        std::this_thread::sleep_for(watchdog.poll_timeout(std::chrono::milliseconds(200)));
      }
      net::notify_stopping("gateway stopping");
      const bool failed = !stop.load();
      g.stop();
      if (failed) {
        log::error("gateway: the HTTP server stopped serving");
        return 1;
      }
    }
    log::info("gateway: stopped");
  } catch (const std::exception& e) {
    log::error("gateway: {}", e.what());
    return 1;
  }
  return 0;
}
