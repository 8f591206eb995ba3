// ktrdr-worker: connects to the broker, runs one backtest at a time, publishes progress, checkpoints, and
// hands its job back on SIGTERM/SIGINT. Exit codes: 0 clean stop, 1 runtime failure, 2 bad options.
#include <zmq.hpp>

#include "command_line.h"
#include "ktrdr/cli/daemon_cli.h"
#include "ktrdr/common/log.h"
#include "ktrdr/net/systemd_notify.h"
#include "ktrdr/worker/backtest_job.h"
#include "ktrdr/worker/checkpoint_store.h"
#include "ktrdr/worker/worker_session.h"

int main(int argc, char** argv) {
  using namespace ktrdr;
  // First thing: a SIGTERM during start-up must still be a clean stop.
  const std::atomic<bool>& stop = cli::install_stop_signals();
  worker::CommandLine cl;
  if (const auto rc = cli::parse_daemon_args(worker::parse_command_line, "ktrdr-worker", argc, argv, cl))
    return *rc;
  try {
    auto store = worker::CheckpointStore::open(cl.state_dir);
    zmq::context_t context(1);
    {
      worker::WorkerSession session(context, cl.session, worker::BacktestJob(cl.jobs, *store));
      net::WatchdogKeepAlive watchdog;
      session.run(
          stop,
          [&] {
            net::notify_ready(
                fmt::format("worker {} connected to {}", cl.session.worker_id, cl.session.broker_endpoint));
          },
          [&watchdog] { watchdog.kick(); });
      net::notify_stopping("worker stopped");
    }
  } catch (const std::exception& e) {
    log::error("worker: {}", e.what());
    return 1;
  }
  return 0;
}
