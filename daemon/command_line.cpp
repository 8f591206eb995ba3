// ktrdr-worker options: every option can be given on the command line or in the INI file named by --config.
#include "command_line.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>

#include <boost/program_options.hpp>

#include "ktrdr/cli/daemon_cli.h"
#include "ktrdr/common/error.h"

namespace po = boost::program_options;

namespace ktrdr::worker {

static std::string default_id() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "worker");
  std::string id = fmt::format("{}-{}", host, static_cast<long>(getpid()));
  for (char& c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') c = '-';
  }
  return id;
}

CommandLine parse_command_line(int argc, char** argv) {
  CommandLine cl;
  worker::WorkerSessionOptions& s = cl.session;
  JobSettings& j = cl.jobs;
  std::string config, level = "info", id;
  bool no_cache = false;
  cl.state_dir = "/var/lib/ktrdr/worker";
  po::options_description generic("ktrdr-worker: runs backtests for the fleet broker, one at a time");
  generic.add_options()("help,h", "print this help and exit")("version", "print the version and exit")(
      "config,c", po::value(&config), "INI file with any of the options below (command line wins)");
  po::options_description opts("Options (also valid as key = value in the --config file)");
  opts.add_options()("broker", po::value(&s.broker_endpoint)->default_value(s.broker_endpoint),
                     "the broker's worker endpoint (its --workers): tcp://host:port or ipc://path")(
      "progress", po::value(&s.progress_endpoint)->default_value(s.progress_endpoint),
      "progress PUB endpoint: the broker's --progress-in to connect to (or, with --progress-bind, where to "
      "bind); empty = no progress publishing")("progress-bind", po::bool_switch(&s.progress_bind),
                                               "bind --progress instead of connecting to it")(
      "state-dir", po::value(&cl.state_dir)->default_value(cl.state_dir),
      "directory of this worker's RocksDB checkpoint store (one directory per worker)")(
      "models-root", po::value(&j.models_root),
      "root of the model directories; jobs may not name paths outside it")(
      "data-dir", po::value(&j.data_dir), "directory of {symbol}_{timeframe}.csv data files")(
      "id", po::value(&id), "worker name shown by the broker (default <hostname>-<pid>)")(
      "heartbeat-interval-ms", po::value(&s.heartbeat_interval_ms)->default_value(s.heartbeat_interval_ms),
      "heartbeat period in ms (use the broker's value)")(
      "heartbeat-liveness", po::value(&s.heartbeat_liveness)->default_value(s.heartbeat_liveness),
      "reconnect when the broker is silent for this many intervals")(
      "reconnect-min-ms", po::value(&s.reconnect_min_ms)->default_value(s.reconnect_min_ms),
      "first reconnect delay; doubles on each failed attempt")(
      "reconnect-max-ms", po::value(&s.reconnect_max_ms)->default_value(s.reconnect_max_ms),
      "longest reconnect delay")("checkpoint-every-bars",
                                 po::value(&j.checkpoint_every_bars)->default_value(j.checkpoint_every_bars),
                                 "checkpoint a running backtest every N bars")(
      "checkpoint-every-seconds",
      po::value(&j.checkpoint_every_seconds)->default_value(j.checkpoint_every_seconds),
      "... or every T seconds, whichever comes first")(
      "checkpoint-min-gap-seconds",
      po::value(&j.checkpoint_min_gap_seconds)->default_value(j.checkpoint_min_gap_seconds),
      "the N-bar checkpoint waits until this many seconds have passed since the previous one (0 = exact "
      "N-bar cadence; fast runs otherwise spend most of their time checkpointing)")(
      "prefetch", po::value(&s.prefetch)->default_value(s.prefetch),
      "jobs the broker may send at once: one runs, the rest wait here and start without a round trip "
      "(raise it only for many short jobs: a job waiting behind a long one could have run elsewhere)")(
      "progress-rate-hz", po::value(&s.progress_max_hz)->default_value(s.progress_max_hz),
      "maximum progress messages per second per job on the PUB socket")(
      "shutdown-grace-ms", po::value(&s.shutdown_grace_ms)->default_value(s.shutdown_grace_ms),
      "on SIGTERM, how long to wait for the running job to checkpoint and hand back")(
      "log-level", po::value(&level)->default_value(level), "error | warning | info | debug")(
      "threads", po::value(&j.threads)->default_value(j.threads),
      "threads per backtest for parsing, indicators, fuzzy features and inference (results do not depend on "
      "it); keep 1 when a host runs several workers")(
      "cache-dir", po::value(&j.bar_cache_dir),
      "where parsed data files are kept in binary form for later jobs; an entry is rebuilt whenever its data "
      "file changes (default <state-dir>/bar-cache)")(
      "no-cache", po::bool_switch(&no_cache), "parse the data files for every job; read and write no cache");
  const auto parsed = cli::parse_daemon_command_line(argc, argv, "ktrdr-worker", generic, opts);
  cl.help = parsed.help;
  cl.version = parsed.version;
  cl.help_text = parsed.help_text;
  cl.log_level = cli::parse_log_level(level);
  s.worker_id = id.empty() ? default_id() : id;
  if (cl.help || cl.version) return cl;
  KTRDR_REQUIRE(!j.models_root.empty(),
                "--models-root is required (the directory holding the model directories)");
  KTRDR_REQUIRE(std::filesystem::is_directory(j.models_root), "--models-root {} is not a directory",
                j.models_root);
  KTRDR_REQUIRE(!j.data_dir.empty(),
                "--data-dir is required (the directory of {{symbol}}_{{timeframe}}.csv files)");
  KTRDR_REQUIRE(std::filesystem::is_directory(j.data_dir), "--data-dir {} is not a directory", j.data_dir);
  KTRDR_REQUIRE(!cl.state_dir.empty(), "--state-dir must name a directory for the checkpoint store");
  KTRDR_REQUIRE(j.threads >= 1 && j.threads <= 1024,
                "threads must be in [1, 1024] (got {}); set it or delete the line", j.threads);
  if (no_cache) {
    j.bar_cache_dir.clear();
  } else if (j.bar_cache_dir.empty()) {
    j.bar_cache_dir = (std::filesystem::path(cl.state_dir) / "bar-cache").string();
  }
  KTRDR_REQUIRE(j.checkpoint_every_bars > 0,
                "checkpoint-every-bars must be > 0 (got {}); set it or delete the line",
                j.checkpoint_every_bars);
  KTRDR_REQUIRE(j.checkpoint_every_seconds > 0,
                "checkpoint-every-seconds must be > 0 (got {}); set it or delete the line",
                j.checkpoint_every_seconds);
  KTRDR_REQUIRE(std::isfinite(j.checkpoint_min_gap_seconds) && j.checkpoint_min_gap_seconds >= 0,
                "checkpoint-min-gap-seconds must be >= 0 (got {}); 0 keeps the exact N-bar cadence",
                j.checkpoint_min_gap_seconds);
  s.validate();
  return cl;
}

}  // namespace ktrdr::worker
