#include "ktrdr/gateway/gateway.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "gateway_impl.h"
#include "ktrdr/common/error.h"
#include "ktrdr/common/log.h"
#include "ktrdr/gateway/api_error.h"

namespace ktrdr::gateway {
namespace {

client::ClientOptions broker_options(const GatewayOptions& o) {
  client::ClientOptions c;
  c.broker = o.broker;
  c.progress = o.progress;
  c.timeout_ms = o.broker_timeout_ms;
  c.attempts = o.broker_retries + 1;
  c.unreachable_hint = "check the gateway's --broker, or raise --broker-timeout-ms";
  return c;
}

// Runs a handler; what escapes it becomes the reference's error shape.
httplib::Server::Handler guarded(void (Gateway::Impl::*handler)(const Request&, Response&),
                                 Gateway::Impl* self) {
  return [handler, self](const Request& req, Response& res) {
    try {
      (self->*handler)(req, res);
    } catch (const ApiError& e) {
      send_json(res, e.status(), error_body(e.what()));
    } catch (const client::BrokerUnreachable& e) {
      send_json(res, 503, error_body(e.what()));
    } catch (const std::exception& e) {
      log::error("gateway: {} {} failed: {}", req.method, req.path, e.what());
      send_json(res, 500, error_body(fmt::format("internal error: {}", e.what())));
    }
  };
}

}  // namespace

void send_json(Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

int64_t wall_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::size_t size_param(const Request& req, const char* name, std::size_t fallback, std::size_t min,
                       std::size_t max) {
  if (!req.has_param(name)) return fallback;
  const std::string text = req.get_param_value(name);
  std::size_t value = 0;
  bool ok = !text.empty() && text.size() <= 12;
  for (const char c : text) {
    ok = ok && c >= '0' && c <= '9';
    if (ok) value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  if (!ok || value < min || value > max) {
    throw ApiError(
        400, fmt::format("{} \"{}\" is not valid; use a whole number from {} to {}", name, text, min, max));
  }
  return value;
}

bool wants_csv(const Request& req) {
  if (!req.has_param("format")) return false;
  const std::string f = req.get_param_value("format");
  if (f == "csv") return true;
  if (f == "json") return false;
  throw ApiError(400, fmt::format("format \"{}\" is unknown; use json or csv", f));
}

Gateway::Impl::Impl(zmq::context_t& context, const GatewayOptions& o, const std::string& root)
    : options(o),
      web_root(root),
      broker(context, broker_options(o), o.broker_connections),
      feed(context, o.progress),
      results(o.result_cache_bytes),
      summaries(o.summary_cache_entries) {}

void Gateway::Impl::register_routes() {
  const std::string op = R"(/api/v1/operations/([A-Za-z0-9_.:-]{1,128}))";
  server.Post("/api/v1/backtests/start", guarded(&Impl::start_backtest, this));
  server.Get("/api/v1/operations", guarded(&Impl::list_operations, this));
  server.Get(op, guarded(&Impl::get_operation, this));
  server.Delete(op, guarded(&Impl::cancel_operation, this));
  server.Delete(op + "/cancel", guarded(&Impl::cancel_operation, this));
  server.Post(op + "/resume", guarded(&Impl::resume_operation, this));
  server.Get(op + "/results", guarded(&Impl::get_results, this));
  server.Get(op + "/results/full", guarded(&Impl::get_full_result, this));
  server.Get(op + "/results/trades", guarded(&Impl::get_trades, this));
  server.Get(op + "/results/equity_curve", guarded(&Impl::get_equity_curve, this));
  server.Get(op + "/events", guarded(&Impl::operation_events, this));
  server.Get("/api/v1/events", guarded(&Impl::all_events, this));
  server.Get("/api/v1/fleet", guarded(&Impl::get_fleet, this));
  server.Get("/health", guarded(&Impl::health, this));
  server.Get("/metrics", guarded(&Impl::metrics, this));

  // Unknown routes and bodiless errors in the same shape as the handlers' errors.
  server.set_error_handler(httplib::Server::HandlerWithResponse([](const Request& req, Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const std::string detail = res.status == 404 ? fmt::format("Not Found: {} {}", req.method, req.path)
                               : res.status == 405
                                   ? fmt::format("Method Not Allowed: {} {}", req.method, req.path)
                                   : fmt::format("HTTP {}", res.status);
    res.set_content(error_body(detail).dump(), "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));
  server.set_logger([this](const Request& req, const Response& res) {
    {
      std::lock_guard lock(codes_mutex);
      ++responses_by_code[res.status];
    }
    log::debug("gateway: {} {} -> {}", req.method, req.path, res.status);
  });
  if (!web_root.empty()) {
    KTRDR_REQUIRE(server.set_mount_point("/", web_root), "--web-root {}: not a readable directory", web_root);
  }
}

Gateway::Gateway(zmq::context_t& context, const GatewayOptions& options, const std::string& web_root)
    : impl_(std::make_unique<Impl>(context, options, web_root)) {
  Impl& g = *impl_;
  g.server.new_task_queue = [n = options.http_threads] {
    return new httplib::ThreadPool(static_cast<size_t>(n));
  };
  g.server.set_payload_max_length(1u << 20);
  g.server.set_read_timeout(std::chrono::seconds(10));
  g.server.set_write_timeout(std::chrono::seconds(10));
  g.register_routes();
  if (options.port == 0) {
    g.port = g.server.bind_to_any_port(options.listen_host);
  } else {
    g.port = g.server.bind_to_port(options.listen_host, options.port) ? options.port : -1;
  }
  KTRDR_REQUIRE(g.port > 0,
                "cannot listen on {}:{} (address in use, or not an address of this machine); pick another "
                "--port or --listen",
                options.listen_host, options.port);
}

Gateway::~Gateway() {
  stop();
}

int Gateway::port() const {
  return impl_->port;
}

void Gateway::start() {
  Impl& g = *impl_;
  g.listen_returned = false;
  g.serving = std::jthread([&g] {
    if (!g.server.listen_after_bind()) log::error("gateway: the HTTP server stopped unexpectedly");
    g.listen_returned = true;
  });
  // Back only once the accept loop runs: httplib's stop() does nothing before that, so a stop() racing the
  // start would leave the loop (and a join on it) blocked forever.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!g.server.is_running() && !g.listen_returned) {
    KTRDR_REQUIRE(std::chrono::steady_clock::now() < deadline, "the HTTP server did not start within 10 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void Gateway::stop() {
  impl_->server.stop();
  if (impl_->serving.joinable()) impl_->serving.join();
}

bool Gateway::serving() const {
  return impl_->server.is_running();
}

std::string find_web_root(const std::string& installed_default) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> candidates;
  if (!ec) {
    candidates.push_back(exe.parent_path() / "web");
    candidates.push_back(exe.parent_path().parent_path() / "share" / "ktrdr" / "web");
  }
  if (!installed_default.empty()) candidates.emplace_back(installed_default);
  for (const auto& c : candidates) {
    if (fs::is_regular_file(c / "index.html", ec)) return c.lexically_normal().string();
  }
  return {};
}

}  // namespace ktrdr::gateway
