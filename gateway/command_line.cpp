// ktrdr-gateway options: every option can be given on the command line or in the INI file named by --config.
#include "command_line.h"

#include <boost/program_options.hpp>

#include "ktrdr/cli/daemon_cli.h"

namespace po = boost::program_options;

namespace ktrdr::gateway {

CommandLine parse_command_line(int argc, char** argv) {
  CommandLine cl;
  GatewayOptions& g = cl.gateway;
  std::string config, level = "info";
  std::size_t cache_mb = g.result_cache_bytes >> 20;
  po::options_description generic(
      "ktrdr-gateway: the fleet's HTTP front door (the reference's REST API, live events, /metrics, "
      "dashboard)");
  generic.add_options()("help,h", "print this help and exit")("version", "print the version and exit")(
      "config,c", po::value(&config), "INI file with any of the options below (command line wins)");
  po::options_description opts("Options (also valid as key = value in the --config file)");
  opts.add_options()  //
      ("listen", po::value(&g.listen_host)->default_value(g.listen_host),
       "address to listen on (127.0.0.1 = this machine only; 0.0.0.0 = every interface)")  //
      ("port", po::value(&g.port)->default_value(g.port),
       "HTTP port (0 = any free port, see --port-file)")                                          //
      ("port-file", po::value(&g.port_file), "write the bound port to this file once listening")  //
      ("broker", po::value(&g.broker)->default_value(g.broker),
       "the broker's clients ROUTER endpoint (ktrdr-broker --clients)")  //
      ("progress", po::value(&g.progress)->default_value(g.progress),
       "the broker's progress-out XPUB endpoint (ktrdr-broker --progress-out)")  //
      ("broker-timeout-ms", po::value(&g.broker_timeout_ms)->default_value(g.broker_timeout_ms),
       "wait this long for one broker reply")  //
      ("broker-retries", po::value(&g.broker_retries)->default_value(g.broker_retries),
       "resend a request this many times after a silent timeout; then answer 503")  //
      ("broker-connections", po::value(&g.broker_connections)->default_value(g.broker_connections),
       "broker requests in flight at once (one DEALER socket and thread each)")  //
      ("http-threads", po::value(&g.http_threads)->default_value(g.http_threads),
       "HTTP requests served at once (each open event stream holds one)")  //
      ("max-event-streams", po::value(&g.max_event_streams)->default_value(g.max_event_streams),
       "Server-Sent-Event streams open at once (more are answered 503)")  //
      ("web-root", po::value(&g.web_root),
       "directory of the dashboard's files (default: web/ next to the binary, else "
       "<prefix>/share/ktrdr/web)")  //
      ("result-cache-mb", po::value(&cache_mb)->default_value(cache_mb),
       "finished results kept in memory for the dashboard, in MiB")  //
      ("log-level", po::value(&level)->default_value(level), "error | warning | info | debug");
  const auto parsed = cli::parse_daemon_command_line(argc, argv, "ktrdr-gateway", generic, opts);
  cl.help = parsed.help;
  cl.version = parsed.version;
  cl.help_text = parsed.help_text;
  cl.log_level = cli::parse_log_level(level);
  g.result_cache_bytes = cache_mb << 20;
  if (!cl.help && !cl.version) g.validate();
  return cl;
}

}  // namespace ktrdr::gateway
