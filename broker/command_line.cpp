// ktrdr-broker options: every option can be given on the command line or in the INI file named by --config.
#include "command_line.h"

#include <boost/program_options.hpp>

#include "ktrdr/cli/daemon_cli.h"
#include "ktrdr/common/error.h"

namespace po = boost::program_options;

namespace ktrdr::broker {

CommandLine parse_command_line(int argc, char** argv) {
  CommandLine cl;
  broker::BrokerOptions& b = cl.broker;
  std::string config, level = "info";
  po::options_description generic("ktrdr-broker: the backtest fleet broker (Majordomo over ZeroMQ)");
  generic.add_options()("help,h", "print this help and exit")("version", "print the version and exit")(
      "config,c", po::value(&config), "INI file with any of the options below (command line wins)");
  po::options_description opts("Options (also valid as key = value in the --config file)");
  opts.add_options()("clients", po::value(&b.clients_endpoint)->default_value(b.clients_endpoint),
                     "ROUTER endpoint for clients (ktrdr-submit): tcp://host:port or ipc://path")(
      "workers", po::value(&b.workers_endpoint)->default_value(b.workers_endpoint),
      "ROUTER endpoint for workers (ktrdr-worker --broker)")(
      "progress-in", po::value(&b.progress_in_endpoint)->default_value(b.progress_in_endpoint),
      "XSUB endpoint the workers' progress PUB sockets connect to (ktrdr-worker --progress)")(
      "progress-out", po::value(&b.progress_out_endpoint)->default_value(b.progress_out_endpoint),
      "XPUB endpoint dashboards subscribe to (topic = operation id; every worker's progress + op events)")(
      "state-dir", po::value(&b.state_dir)->default_value(b.state_dir),
      "directory of the RocksDB job store (operations, queue, latest checkpoints, results)")(
      "heartbeat-interval-ms", po::value(&b.heartbeat_interval_ms)->default_value(b.heartbeat_interval_ms),
      "heartbeat period towards workers, in ms (workers should use the same value)")(
      "heartbeat-liveness", po::value(&b.heartbeat_liveness)->default_value(b.heartbeat_liveness),
      "a worker silent for this many heartbeat intervals is declared dead and its job re-queued")(
      "max-attempts", po::value(&b.max_attempts)->default_value(b.max_attempts),
      "dispatch attempts per job before it is FAILED with the reasons")(
      "sync-writes", po::value(&b.sync_writes)->default_value(b.sync_writes),
      "fsync accepted jobs and results before answering (true|false; false only for benchmarks)")(
      "max-terminal-in-memory", po::value(&b.max_terminal_in_memory)->default_value(b.max_terminal_in_memory),
      "finished operations kept in memory for list/status (older ones are read from the store)")(
      "log-level", po::value(&level)->default_value(level), "error | warning | info | debug");
  const auto parsed = cli::parse_daemon_command_line(argc, argv, "ktrdr-broker", generic, opts);
  cl.help = parsed.help;
  cl.version = parsed.version;
  cl.help_text = parsed.help_text;
  cl.log_level = cli::parse_log_level(level);
  if (!cl.help && !cl.version) b.validate();
  return cl;
}

}  // namespace ktrdr::broker
