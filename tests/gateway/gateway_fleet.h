// A fleet (tests/fleet/fleet.h: real ktrdr-broker and ktrdr-worker processes on ipc://) plus a real
// ktrdr-gateway process in front of it on 127.0.0.1 (port chosen by the gateway: --port 0 --port-file), and
// an HTTP client (cpp-httplib) for the tests. Everything is killed when it goes out of scope.
#pragma once

#include <httplib.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "fleet/fleet.h"

namespace ktrdr::test {

// "" when the fleet's programs and ktrdr-gateway are built, else the first one missing. A gateway test
// starts with: if (auto m = missing_gateway_binary(); !m.empty()) KTRDR_SKIP(m << " is not built");
inline std::string missing_gateway_binary() {
  if (std::string m = missing_binary(); !m.empty()) return m;
  return is_executable(bin("gateway/ktrdr-gateway")) ? std::string() : bin("gateway/ktrdr-gateway");
}

// One HTTP response: status and body (parsed when it is JSON).
struct HttpReply {
  int status = 0;  // 0 = no response (connection failed / timed out)
  std::string body;
  std::string content_type;
  nlohmann::json json() const {
    auto j = nlohmann::json::parse(body, nullptr, false);
    return j;
  }
};

class GatewayFleet : public Fleet {
 public:
  explicit GatewayFleet(FleetOptions options = {}) : Fleet(std::move(options)) {}
  ~GatewayFleet() {
    if (gateway_) gateway_->kill_and_reap();
  }

  // Starts ktrdr-gateway on this fleet's endpoints (extra options after the common ones); waits for its port
  // and a 200 from /health when the broker runs (any answer otherwise).
  Process& start_gateway(const std::vector<std::string>& extra = {}) {
    if (gateway_) gateway_->kill_and_reap();
    const std::string port_file = dir() + "/gateway.port";
    std::filesystem::remove(port_file);
    ProcessOptions po;
    po.stdout_path = dir() + "/gateway.out.log";
    po.stderr_path = dir() + "/gateway.log";
    std::vector<std::string> args = {"--broker",
                                     clients_endpoint(),
                                     "--progress",
                                     progress_out_endpoint(),
                                     "--port",
                                     "0",
                                     "--port-file",
                                     port_file,
                                     "--log-level",
                                     "debug",
                                     "--broker-timeout-ms",
                                     "1000",
                                     "--broker-retries",
                                     "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    gateway_ = std::make_unique<Process>(bin("gateway/ktrdr-gateway"), args, po);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      REQUIRE_MESSAGE(gateway_->running(), "ktrdr-gateway exited at start\n" << logs());
      const std::string text = read_text_or_empty(port_file);
      if (!text.empty() && text.back() == '\n') {
        port_ = std::stoi(text);
        if (get("/health").status != 0) return *gateway_;
      }
      std::this_thread::sleep_for(20ms);
    }
    FAIL("ktrdr-gateway did not listen within 10 s\n" << logs());
    return *gateway_;
  }
  Process& gateway() { return *gateway_; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::unique_ptr<httplib::Client> client(std::chrono::seconds timeout = 20s) const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
    c->set_connection_timeout(5);
    c->set_read_timeout(timeout);
    c->set_write_timeout(5);
    return c;
  }

  HttpReply get(const std::string& path) { return reply(client()->Get(path.c_str())); }
  HttpReply del(const std::string& path) { return reply(client()->Delete(path.c_str())); }
  HttpReply del(const std::string& path, const std::string& body) {
    return reply(client()->Delete(path.c_str(), body, "application/json"));
  }
  HttpReply post(const std::string& path, const std::string& body) {
    return reply(client()->Post(path.c_str(), body, "application/json"));
  }

  // POST /api/v1/backtests/start for the golden strategy over [start, end]; returns the operation id.
  std::string start_http_backtest(const std::string& end = "") {
    const nlohmann::json body = {{"strategy_name", kGoldenStrategy},
                                 {"symbol", golden.symbol},
                                 {"timeframe", golden.timeframe},
                                 {"start_date", golden.start_date},
                                 {"end_date", end.empty() ? golden.end_date : end},
                                 {"mode", to_string(golden.mode)}};
    const HttpReply r = post("/api/v1/backtests/start", body.dump());
    INFO(r.body);
    REQUIRE(r.status == 200);
    return r.json().at("operation_id").get<std::string>();
  }

  // Polls GET /api/v1/operations/{id} until pred(data) or the deadline; returns the last data seen.
  template <typename Pred>
  nlohmann::json wait_http(const std::string& op, Pred pred, std::chrono::milliseconds timeout = 60s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    nlohmann::json last;
    while (std::chrono::steady_clock::now() < deadline) {
      const HttpReply r = get("/api/v1/operations/" + op);
      if (r.status == 200) {
        last = r.json().at("data");
        if (pred(last)) return last;
      }
      std::this_thread::sleep_for(50ms);
    }
    return last;
  }
  // Polls /metrics until it has the exact line `line` (true) or the deadline (false).
  bool wait_metric(const std::string& line, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string needle(1, '\n');
    needle.append(line).push_back('\n');
    while (std::chrono::steady_clock::now() < deadline) {
      std::string text(1, '\n');
      text.append(get("/metrics").body);
      if (text.find(needle) != std::string::npos) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  nlohmann::json wait_finished(const std::string& op, std::chrono::milliseconds timeout = 60s) {
    return wait_http(
        op,
        [](const nlohmann::json& d) {
          const std::string s = d.value("status", "");
          return s == "completed" || s == "failed" || s == "cancelled";
        },
        timeout);
  }

 private:
  static HttpReply reply(const httplib::Result& r) {
    HttpReply out;
    if (!r) return out;
    out.status = r->status;
    out.body = r->body;
    out.content_type = r->get_header_value("Content-Type");
    return out;
  }

  std::unique_ptr<Process> gateway_;
  int port_ = 0;
};

}  // namespace ktrdr::test
