// GET /metrics: one metrics request to the broker per scrape (its fleet status and counters; a broker that
// does not know kMetrics is asked for its status instead), plus what the gateway counted.
#include "gateway_impl.h"
#include "ktrdr/gateway/fleet_metrics.h"

namespace ktrdr::gateway {

void Gateway::Impl::metrics(const Request&, Response& res) {
  MetricsSnapshot m;
  try {
    proto::Reply reply = broker.call(proto::Command::kMetrics, proto::MetricsRequest{});
    if (reply.code == proto::ErrorCode::kUnknownCommand) {
      reply = broker.call(proto::Command::kStatus, proto::StatusRequest{});
    }
    m.broker_up = reply.code == proto::ErrorCode::kOk;
    m.fleet = reply.fleet;
    m.broker = reply.metrics;
  } catch (const client::BrokerUnreachable&) {
    m.broker_up = false;
  }
  m.feed = feed.stats();
  {
    std::lock_guard lock(codes_mutex);
    m.gateway.responses_by_code = responses_by_code;
  }
  m.gateway.broker = broker.stats();
  m.gateway.event_streams = event_streams.load();
  m.gateway.result_cache_bytes = results.used();
  m.gateway.result_bytes_served = result_bytes_served.load();
  res.status = 200;
  res.set_content(render_metrics(m), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace ktrdr::gateway
