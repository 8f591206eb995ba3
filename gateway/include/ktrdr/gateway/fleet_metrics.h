// What /metrics exposes, gathered from the broker's metrics reply (fleet status + BrokerMetrics counters),
// the progress feed and the gateway's own counters, rendered in Prometheus text format (names ktrdr_*,
// counters end in _total, seconds and bytes).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "ktrdr/gateway/broker_pool.h"
#include "ktrdr/gateway/feed_hub.h"
#include "ktrdr/proto/messages.h"

namespace ktrdr::gateway {

struct GatewayCounters {
  std::map<int, uint64_t> responses_by_code;  // HTTP responses sent, by status code
  BrokerPoolStats broker;
  int event_streams = 0;  // open SSE streams
  std::size_t result_cache_bytes = 0;
  uint64_t result_bytes_served = 0;
};

struct MetricsSnapshot {
  bool broker_up = false;                      // the broker answered the metrics request of this scrape
  proto::FleetStatus fleet;                    // valid when broker_up
  std::optional<proto::BrokerMetrics> broker;  // its counters (absent from a broker without kMetrics)
  FeedStats feed;
  GatewayCounters gateway;
};

// The whole exposition, families in a fixed order; every worker/operation state label is present (0 when
// none) so that dashboards see series, not gaps.
std::string render_metrics(const MetricsSnapshot& m);

}  // namespace ktrdr::gateway
