#include "ktrdr/gateway/fleet_metrics.h"

#include <array>

#include "ktrdr/gateway/prometheus_text.h"

namespace ktrdr::gateway {
namespace {

using proto::OpState;
using proto::WorkerState;

constexpr std::array<OpState, 6> kOpStates = {OpState::kPending, OpState::kRunning,   OpState::kCompleted,
                                              OpState::kFailed,  OpState::kCancelled, OpState::kResuming};

double d(uint64_t v) {
  return static_cast<double>(v);
}

void render_broker(PrometheusText& p, const proto::BrokerMetrics& b) {
  p.family("ktrdr_queue_depth", "gauge",
           "Operations waiting for a worker (pending + resuming), by job type.");
  for (const auto& q : b.queue_depth) p.sample("ktrdr_queue_depth", {{"type", q.job_type}}, d(q.depth));
  p.family("ktrdr_operations", "gauge",
           "Operations by state (all unfinished ones and the broker's newest finished ones in memory).");
  for (const OpState s : kOpStates) {
    const auto i = static_cast<std::size_t>(s);
    p.sample("ktrdr_operations", {{"state", std::string(proto::to_string(s))}},
             d(i < b.operations.size() ? b.operations[i] : 0));
  }
  p.family("ktrdr_jobs_accepted_total", "counter", "Backtests accepted by the broker since it started.");
  p.sample("ktrdr_jobs_accepted_total", d(b.jobs_accepted));
  p.family("ktrdr_dispatches_total", "counter",
           "Jobs sent to workers (every attempt) since the broker started.");
  p.sample("ktrdr_dispatches_total", d(b.dispatches));
  p.family(
      "ktrdr_retries_total", "counter",
      "Jobs re-queued after a lost worker, a retryable failure or a hand-back, since the broker started.");
  p.sample("ktrdr_retries_total", d(b.retries));
  p.family("ktrdr_dispatch_latency_seconds", "histogram",
           "Time from joining the queue (accepted, re-queued, resumed) to being sent to a worker.");
  p.histogram("ktrdr_dispatch_latency_seconds", b.dispatch_latency_seconds.bounds,
              b.dispatch_latency_seconds.counts, b.dispatch_latency_seconds.sum);
  p.family("ktrdr_results_stored_total", "counter", "Results stored by the broker (duplicates discarded).");
  p.sample("ktrdr_results_stored_total", d(b.results_stored));
  p.family("ktrdr_result_bytes_total", "counter", "Bytes of result JSON stored by the broker.");
  p.sample("ktrdr_result_bytes_total", d(b.result_bytes));
  p.family("ktrdr_checkpoints_stored_total", "counter",
           "Checkpoints stored by the broker (older ones discarded).");
  p.sample("ktrdr_checkpoints_stored_total", d(b.checkpoints_stored));
  p.family("ktrdr_checkpoint_bytes_total", "counter", "Bytes of checkpoints stored by the broker.");
  p.sample("ktrdr_checkpoint_bytes_total", d(b.checkpoint_bytes));
  p.family("ktrdr_store_size_bytes", "gauge",
           "Size of the broker's RocksDB job store (SST files + memtables).");
  p.sample("ktrdr_store_size_bytes", d(b.store_bytes));
  p.family("ktrdr_broker_dropped_messages_total", "counter",
           "Malformed messages the broker dropped, by the socket they came from.");
  p.sample("ktrdr_broker_dropped_messages_total", {{"source", "client"}}, d(b.dropped_client_messages));
  p.sample("ktrdr_broker_dropped_messages_total", {{"source", "worker"}}, d(b.dropped_worker_messages));
}

}  // namespace

std::string render_metrics(const MetricsSnapshot& m) {
  PrometheusText p;
  p.family("ktrdr_broker_up", "gauge", "1 when the broker answered the gateway during this scrape, else 0.");
  p.sample("ktrdr_broker_up", m.broker_up ? 1 : 0);
  if (m.broker_up) {
    std::array<uint64_t, 3> workers{};
    for (const auto& w : m.fleet.workers) {
      const auto i = static_cast<std::size_t>(w.state);
      if (i < workers.size()) ++workers[i];
    }
    p.family("ktrdr_workers", "gauge", "Workers known to the broker, by state.");
    for (const WorkerState s : {WorkerState::kIdle, WorkerState::kBusy, WorkerState::kDead}) {
      p.sample("ktrdr_workers", {{"state", std::string(proto::to_string(s))}},
               d(workers[static_cast<std::size_t>(s)]));
    }
    p.family("ktrdr_queue_length", "gauge", "Operations waiting for a worker (pending + resuming).");
    p.sample("ktrdr_queue_length", d(m.fleet.queue_length));
    p.family("ktrdr_operations_known", "gauge", "Operations the broker knows, in every state.");
    p.sample("ktrdr_operations_known", d(m.fleet.operations));
    if (m.broker) render_broker(p, *m.broker);
    if (m.fleet.broker_started_ns != 0) {
      p.family("ktrdr_broker_start_time_seconds", "gauge", "When the broker started, Unix time.");
      p.sample("ktrdr_broker_start_time_seconds", static_cast<double>(m.fleet.broker_started_ns) / 1e9);
    }
  }

  p.family("ktrdr_bars_per_second", "gauge",
           "Bars per second of the running backtests together (their latest progress snapshots).");
  p.sample("ktrdr_bars_per_second", m.feed.bars_per_second);
  p.family("ktrdr_backtests_reporting", "gauge",
           "Backtests whose progress arrived within the last 5 seconds.");
  p.sample("ktrdr_backtests_reporting", d(m.feed.active_operations));
  p.family("ktrdr_bars_processed_total", "counter",
           "Bars advanced by backtests since the gateway started (from their progress snapshots and "
           "completions).");
  p.sample("ktrdr_bars_processed_total", d(m.feed.bars_processed));
  p.family("ktrdr_progress_messages_total", "counter", "Progress snapshots received from the broker's feed.");
  p.sample("ktrdr_progress_messages_total", d(m.feed.progress_messages));
  p.family("ktrdr_operation_transitions_total", "counter",
           "Operation state changes seen on the broker's feed, by new state.");
  for (const OpState s : kOpStates) {
    p.sample("ktrdr_operation_transitions_total", {{"state", std::string(proto::to_string(s))}},
             d(m.feed.transitions[static_cast<std::size_t>(s)]));
  }
  p.family("ktrdr_feed_dropped_messages_total", "counter",
           "Malformed messages dropped from the progress feed.");
  p.sample("ktrdr_feed_dropped_messages_total", d(m.feed.dropped_messages));

  p.family("ktrdr_gateway_http_responses_total", "counter",
           "HTTP responses sent by the gateway, by status code.");
  for (const auto& [code, n] : m.gateway.responses_by_code) {
    p.sample("ktrdr_gateway_http_responses_total", {{"code", std::to_string(code)}}, d(n));
  }
  p.family("ktrdr_gateway_broker_requests_total", "counter", "Requests the broker answered.");
  p.sample("ktrdr_gateway_broker_requests_total", d(m.gateway.broker.requests));
  p.family("ktrdr_gateway_broker_unreachable_total", "counter",
           "Requests the broker did not answer in time (answered 503).");
  p.sample("ktrdr_gateway_broker_unreachable_total", d(m.gateway.broker.unreachable));
  p.family("ktrdr_gateway_event_streams", "gauge", "Server-Sent-Event streams open.");
  p.sample("ktrdr_gateway_event_streams", m.gateway.event_streams);
  p.family("ktrdr_gateway_result_cache_bytes", "gauge", "Bytes of finished results cached by the gateway.");
  p.sample("ktrdr_gateway_result_cache_bytes", d(m.gateway.result_cache_bytes));
  p.family("ktrdr_gateway_result_bytes_served_total", "counter",
           "Bytes of full results (JSON and CSV) sent to HTTP clients.");
  p.sample("ktrdr_gateway_result_bytes_served_total", d(m.gateway.result_bytes_served));
  return p.text();
}

}  // namespace ktrdr::gateway
