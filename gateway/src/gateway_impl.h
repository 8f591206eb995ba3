// Gateway's private parts: the broker link, the feed hub, the caches, the HTTP server and the handlers
// (operations_api.cpp, results_api.cpp, events_api.cpp, metrics_api.cpp; routes in gateway.cpp).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "ktrdr/gateway/broker_pool.h"
#include "ktrdr/gateway/feed_hub.h"
#include "ktrdr/gateway/gateway.h"
#include "ktrdr/gateway/lru_cache.h"

namespace ktrdr::gateway {

using httplib::Request;
using httplib::Response;

// One open Server-Sent-Events response (events_api.cpp).
struct EventStream {
  std::shared_ptr<FeedSubscription> subscription;
  std::string pending;           // written first (the initial status of a one-operation stream)
  bool end_on_terminal = false;  // one-operation stream: ends after the operation's final state
  bool ending = false;           // the final event is written: end the stream
  uint64_t next_id = 1;
  std::chrono::steady_clock::time_point last_write = std::chrono::steady_clock::now();
};

struct Gateway::Impl {
  Impl(zmq::context_t& context, const GatewayOptions& options, const std::string& web_root);

  GatewayOptions options;
  std::string web_root;
  BrokerPool broker;
  FeedHub feed;
  LruCache<std::string> results;       // finished results' JSON text, cost = bytes
  LruCache<nlohmann::json> summaries;  // their result_summary, cost = 1
  httplib::Server server;
  int port = 0;
  std::atomic<int> event_streams{0};
  std::atomic<uint64_t> result_bytes_served{0};
  std::mutex codes_mutex;
  std::map<int, uint64_t> responses_by_code;
  std::atomic<bool> listen_returned{false};  // the serving thread's listen_after_bind() has returned
  std::jthread serving;

  void register_routes();

  // operations_api.cpp
  void start_backtest(const Request& req, Response& res);
  void list_operations(const Request& req, Response& res);
  void get_operation(const Request& req, Response& res);
  void cancel_operation(const Request& req, Response& res);
  void resume_operation(const Request& req, Response& res);
  void get_fleet(const Request& req, Response& res);
  void health(const Request& req, Response& res);
  // results_api.cpp
  void get_results(const Request& req, Response& res);
  void get_full_result(const Request& req, Response& res);
  void get_trades(const Request& req, Response& res);
  void get_equity_curve(const Request& req, Response& res);
  // events_api.cpp: Server-Sent Events, of one operation (ends after its final state) or of all
  // (?operation_id= narrows it to one, without ending)
  void operation_events(const Request& req, Response& res);
  void all_events(const Request& req, Response& res);
  std::shared_ptr<EventStream> open_stream(const std::string& op_id);  // ApiError 503 when all are taken
  void serve_stream(Response& res, std::shared_ptr<EventStream> stream);
  void close_stream(EventStream& stream);
  // metrics_api.cpp
  void metrics(const Request& req, Response& res);

  // The result JSON of a finished operation (cached). Throws ApiError 404 (unknown) / 400 (not completed).
  std::shared_ptr<const std::string> result_text(const std::string& op_id);
  // result_summary of `op` when it has a result (cached), else null. Never throws: a failed fetch is null.
  nlohmann::json summary_of(const proto::OperationInfo& op);
  nlohmann::json summary_from(const std::string& op_id, const std::string& result_json);
};

// Helpers shared by the handlers.
void send_json(Response& res, int status, const nlohmann::json& body);
// Query parameter `name` as an unsigned integer in [min, max]; `fallback` when absent. ApiError 400 else.
std::size_t size_param(const Request& req, const char* name, std::size_t fallback, std::size_t min,
                       std::size_t max);
// "json" (default) or "csv" from ?format=; ApiError 400 for anything else.
bool wants_csv(const Request& req);
int64_t wall_now_ns();

}  // namespace ktrdr::gateway
