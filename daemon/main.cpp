// ktrdr-worker: connects to the broker, runs one backtest at a time, publishes progress, checkpoints, and
// hands its job back on SIGTERM/SIGINT. Exit codes: 0 clean stop, 1 runtime failure, 2 bad options.
#include <csignal>
#include <cstdio>

#include <zmq.hpp>

#include "backtest_job.h"
#include "ktrdr/common/log.h"
#include "ktrdr/net/checkpoint_store.h"
#include "ktrdr/net/systemd_notify.h"
#include "ktrdr/net/worker_session.h"
#include "worker_options.h"

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
  worker::CommandLine cl;
  try {
    cl = worker::parse_command_line(argc, argv);
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
    auto store = net::CheckpointStore::open(cl.state_dir);
    zmq::context_t context(1);
    {
      net::WorkerSession session(context, cl.session, worker::BacktestJob(cl.jobs, *store));
      net::WatchdogKeepAlive watchdog;
      session.run(
          g_stop,
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
