#include "ktrdr/gateway/gateway_options.h"

#include "ktrdr/common/error.h"

namespace ktrdr::gateway {

void GatewayOptions::validate() const {
  KTRDR_REQUIRE(!listen_host.empty(), "listen address is empty; use e.g. 127.0.0.1 or 0.0.0.0");
  KTRDR_REQUIRE(port >= 0 && port <= 65535, "port must be 0..65535 (got {}); 0 picks a free port", port);
  KTRDR_REQUIRE(!broker.empty(), "broker endpoint is empty; use e.g. tcp://127.0.0.1:5555");
  KTRDR_REQUIRE(!progress.empty(), "progress endpoint is empty; use e.g. tcp://127.0.0.1:5558");
  KTRDR_REQUIRE(broker_timeout_ms >= 10 && broker_timeout_ms <= 600000,
                "broker-timeout-ms must be 10..600000 (got {})", broker_timeout_ms);
  KTRDR_REQUIRE(broker_retries >= 0 && broker_retries <= 10, "broker-retries must be 0..10 (got {})",
                broker_retries);
  KTRDR_REQUIRE(broker_connections >= 1 && broker_connections <= 64,
                "broker-connections must be 1..64 (got {})", broker_connections);
  KTRDR_REQUIRE(http_threads >= 2 && http_threads <= 1024, "http-threads must be 2..1024 (got {})",
                http_threads);
  KTRDR_REQUIRE(max_event_streams >= 0 && max_event_streams < http_threads,
                "max-event-streams must be 0..http-threads-1 (got {} with http-threads {}): every stream "
                "holds a thread, one must stay free for the API",
                max_event_streams, http_threads);
  KTRDR_REQUIRE(summary_cache_entries >= 1, "the summary cache needs at least one entry");
}

}  // namespace ktrdr::gateway
