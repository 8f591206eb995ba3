// The REST API with real processes (broker + worker + gateway over loopback): the reference's request and
// response shapes, the full results, list filters, cancel/resume, and the error shapes.
#include <doctest/doctest.h>

#include <regex>

#include "fleet/throttle.h"
#include "gateway_fleet.h"
#include "ktrdr/report/result_csv.h"

using namespace ktrdr::test;
using nlohmann::json;

namespace {

// keys of a JSON object, sorted
std::vector<std::string> keys(const json& j) {
  std::vector<std::string> k;
  for (const auto& [key, v] : j.items()) k.push_back(key);
  return k;
}

}  // namespace

TEST_CASE(
    "a backtest through the REST API: start then status then list then results in the reference's shapes") {
  if (auto m = missing_gateway_binary(); !m.empty()) KTRDR_SKIP(m << " is not built");
  GatewayFleet f;
  f.start_broker();
  f.start_worker("w1");
  f.start_gateway();

  const json start = {{"strategy_name", " bench12 "},
                      {"symbol", "SYNTH"},
                      {"timeframe", "1h"},
                      {"start_date", f.golden.start_date},
                      {"end_date", f.golden.end_date},
                      {"mode", "ktrdr"}};
  const HttpReply started = f.post("/api/v1/backtests/start", start.dump());
  INFO(started.body);
  REQUIRE(started.status == 200);
  CHECK(started.content_type == "application/json");
  const json s = started.json();
  CHECK(keys(s) == std::vector<std::string>{"message", "mode", "operation_id", "status", "success", "symbol",
                                            "timeframe"});
  CHECK(s["success"] == true);
  CHECK(s["status"] == "started");
  CHECK(s["message"] == "Backtest started for SYNTH 1h");
  CHECK(s["symbol"] == "SYNTH");
  CHECK(s["timeframe"] == "1h");
  CHECK(s["mode"] == "distributed");
  const std::string op = s["operation_id"];
  CHECK(std::regex_match(op, std::regex("op_backtesting_[0-9]{8}_[0-9]{6}_[0-9a-f]{8}")));

  const json done = f.wait_finished(op);
  INFO(done.dump() << f.logs());
  REQUIRE(done.value("status", "") == "completed");
  const json local = json::parse(f.local_run("", f.golden.end_date));

  // GET /operations/{id}: {success, data: OperationInfo}
  const HttpReply one = f.get("/api/v1/operations/" + op);
  REQUIRE(one.status == 200);
  const json d = one.json()["data"];
  CHECK(one.json()["success"] == true);
  for (const char* k : {"operation_id", "parent_operation_id", "operation_type", "status", "created_at",
                        "started_at", "completed_at", "progress", "metadata", "error_message", "warnings",
                        "errors", "result_summary", "metrics", "is_backend_local"}) {
    CHECK_MESSAGE(d.contains(k), k);
  }
  CHECK(d["operation_id"] == op);
  CHECK(d["operation_type"] == "backtesting");
  CHECK(d["parent_operation_id"].is_null());
  CHECK(d["error_message"].is_null());
  CHECK(d["is_backend_local"] == false);
  CHECK(d["progress"]["percentage"] == 100.0);
  CHECK(d["progress"]["current_step"] == "Backtest completed");
  CHECK(d["progress"]["items_total"] == 2950);  // 3000 bars - 50 warm-up
  CHECK(d["progress"]["items_processed"] == 2950);
  CHECK(d["metadata"]["symbol"] == "SYNTH");
  CHECK(d["metadata"]["timeframe"] == "1h");
  CHECK(d["metadata"]["mode"] == "ktrdr");
  CHECK(d["metadata"]["start_date"] == f.golden.start_date);
  CHECK(d["metadata"]["parameters"]["strategy_name"] == "bench12");
  CHECK(d["metadata"]["parameters"]["initial_capital"] == 100000.0);
  CHECK(d["metadata"]["parameters"]["worker_id"] == "w1");
  CHECK(std::regex_match(d["created_at"].get<std::string>(),
                         std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*Z)")));
  // result_summary: the result without its series, with their lengths; metrics as the local run's
  const json summary = d["result_summary"];
  CHECK(summary["metrics"] == local["metrics"]);
  CHECK(summary["trade_count"] == local["trades"].size());
  CHECK(summary["equity_curve_length"] == local["equity_curve"].size());
  CHECK_FALSE(summary.contains("trades"));
  CHECK_FALSE(summary.contains("equity_curve"));

  // GET /operations/{id}/results: {success, operation_id, operation_type, status, results: result_summary}
  const HttpReply results = f.get("/api/v1/operations/" + op + "/results");
  REQUIRE(results.status == 200);
  const json r = results.json();
  CHECK(keys(r) ==
        std::vector<std::string>{"operation_id", "operation_type", "results", "status", "success"});
  CHECK(r["success"] == true);
  CHECK(r["operation_id"] == op);
  CHECK(r["status"] == "completed");
  CHECK(r["results"] == summary);

  // GET /operations: {success, data, total_count, active_count}, newest first, filters
  const HttpReply list = f.get("/api/v1/operations");
  REQUIRE(list.status == 200);
  const json l = list.json();
  CHECK(keys(l) == std::vector<std::string>{"active_count", "data", "success", "total_count"});
  REQUIRE(l["data"].size() == 1);
  CHECK(l["data"][0]["operation_id"] == op);
  CHECK(l["data"][0]["progress_percentage"] == 100.0);
  CHECK(l["data"][0]["symbol"] == "SYNTH");
  CHECK(l["total_count"] == 1);
  CHECK(l["active_count"] == 0);
  CHECK(f.get("/api/v1/operations?status=completed").json()["data"].size() == 1);
  CHECK(f.get("/api/v1/operations?status=running,pending").json()["data"].size() == 0);
  CHECK(f.get("/api/v1/operations?active_only=true").json()["data"].size() == 0);
  CHECK(f.get("/api/v1/operations?status=completed&active_only=false").json()["data"].size() == 1);
  CHECK(f.get("/api/v1/operations?operation_type=training").json()["data"].size() == 0);
  CHECK(f.get("/api/v1/operations?operation_type=backtesting").json()["data"].size() == 1);
  const json past = f.get("/api/v1/operations?offset=1").json();
  CHECK(past["data"].size() == 0);
  CHECK(past["total_count"] == 1);  // every operation the filter matches, not the page

  // the full result: as stored, trades and equity curve as JSON and CSV
  const HttpReply full = f.get("/api/v1/operations/" + op + "/results/full");
  REQUIRE(full.status == 200);
  CHECK(compare_results(full.body, local.dump()) == "");
  const json trades = f.get("/api/v1/operations/" + op + "/results/trades").json();
  CHECK(trades["success"] == true);
  CHECK(trades["total"] == local["trades"].size());
  CHECK(trades["trades"] == local["trades"]);
  const json page = f.get("/api/v1/operations/" + op + "/results/trades?offset=10&limit=5").json();
  CHECK(page["total"] == local["trades"].size());
  REQUIRE(page["trades"].size() == 5);
  CHECK(page["trades"][0] == local["trades"][10]);
  CHECK(page["trades"][4] == local["trades"][14]);
  const HttpReply trades_csv = f.get("/api/v1/operations/" + op + "/results/trades?format=csv");
  CHECK(trades_csv.status == 200);
  CHECK(trades_csv.content_type == "text/csv");
  CHECK(trades_csv.body == ktrdr::report::trades_csv(full.body));
  const HttpReply equity_csv = f.get("/api/v1/operations/" + op + "/results/equity_curve?format=csv");
  CHECK(equity_csv.body == ktrdr::report::equity_csv(full.body));
  const json curve = f.get("/api/v1/operations/" + op + "/results/equity_curve").json();
  const json& lc = local["equity_curve"];
  REQUIRE(curve["points"].size() == lc.size());
  CHECK(curve["total_points"] == lc.size());
  // drawdown_pct = (running peak - value) / running peak, at every point
  double peak = 0, max_dd = 0;
  for (std::size_t i = 0; i < lc.size(); ++i) {
    const double v = lc[i]["portfolio_value"].get<double>();
    peak = std::max(peak, v);
    max_dd = std::max(max_dd, (peak - v) / peak);
    CHECK(curve["points"][i]["portfolio_value"] == lc[i]["portfolio_value"]);
    CHECK(curve["points"][i]["drawdown_pct"].get<double>() == (peak - v) / peak);
  }
  CHECK(curve["max_drawdown_pct"].get<double>() == max_dd);
  const json thin = f.get("/api/v1/operations/" + op + "/results/equity_curve?max_points=300").json();
  CHECK(thin["total_points"] == lc.size());
  CHECK(thin["points"].size() <= 302);
  CHECK(thin["points"].size() >= 100);
  CHECK(thin["points"].front()["timestamp"] == lc.front()["timestamp"]);
  CHECK(thin["points"].back()["timestamp"] == lc.back()["timestamp"]);
  CHECK(thin["max_drawdown_pct"] == curve["max_drawdown_pct"]);
}

TEST_CASE("bad input and unknown operations get the reference's error shapes") {
  if (auto m = missing_gateway_binary(); !m.empty()) KTRDR_SKIP(m << " is not built");
  GatewayFleet f;
  f.start_broker();
  f.start_gateway();
  auto error = [](const HttpReply& r) {
    const json j = r.json();
    INFO(r.body);
    CHECK(r.content_type == "application/json");
    CHECK(keys(j) == std::vector<std::string>{"detail", "success"});
    CHECK(j["success"] == false);
    return j.value("detail", "");
  };
  const std::string start = "/api/v1/backtests/start";
  const auto bad_json = f.post(start, "{\"strategy_name\": ");
  CHECK(bad_json.status == 400);
  CHECK(error(bad_json).find("not valid JSON") != std::string::npos);
  const auto array = f.post(start, "[1,2]");
  CHECK(array.status == 400);
  CHECK(error(array) == "request body must be a JSON object (got array)");
  const auto no_strategy = f.post(start, R"({"start_date": "2020-01-06", "end_date": "2020-02-01"})");
  CHECK(no_strategy.status == 400);
  CHECK(error(no_strategy) == "strategy_name is required");
  const auto blank =
      f.post(start, R"({"strategy_name": "  ", "start_date": "2020-01-06", "end_date": "2020-02-01"})");
  CHECK(error(blank) == "strategy_name must not be empty");
  const auto bad_date =
      f.post(start, R"({"strategy_name": "s", "start_date": "2020-13-45", "end_date": "2020-02-01"})");
  CHECK(bad_date.status == 400);
  CHECK(error(bad_date) ==
        "start_date \"2020-13-45\" is not an ISO date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (naive = UTC, "
        "or "
        "with Z / +HH:MM)");
  const auto no_end = f.post(start, R"({"strategy_name": "s", "start_date": "2020-01-06"})");
  CHECK(error(no_end) == "end_date is required (an ISO date such as 2024-01-31 or 2024-01-31T00:00:00)");
  const auto reversed =
      f.post(start, R"({"strategy_name": "s", "start_date": "2020-03-01", "end_date": "2020-02-01"})");
  CHECK(error(reversed) == "start_date 2020-03-01 is after end_date 2020-02-01");
  const auto capital = f.post(
      start,
      R"({"strategy_name": "s", "start_date": "2020-01-06", "end_date": "2020-02-01", "initial_capital": 0})");
  CHECK(error(capital) == "initial_capital must be a positive number (got 0)");
  const auto text_capital = f.post(
      start,
      R"({"strategy_name": "s", "start_date": "2020-01-06", "end_date": "2020-02-01", "commission": "x"})");
  CHECK(error(text_capital) == "commission must be a number (got \"x\")");
  const auto mode = f.post(
      start,
      R"({"strategy_name": "s", "start_date": "2020-01-06", "end_date": "2020-02-01", "mode": "fast"})");
  CHECK(error(mode) == "mode \"fast\" is unknown; use \"ktrdr\" (the reference's numbers) or \"corrected\"");
  // the broker's own validation comes back as a 400 too
  const auto outside =
      f.post(start, R"({"strategy_name": "s", "start_date": "2020-01-06", "end_date": "2020-02-01",
                                         "model_path": "/etc/models"})");
  CHECK(outside.status == 400);
  CHECK(error(outside).find("/etc/models") != std::string::npos);

  const std::string unknown = "op_backtesting_20200101_000000_deadbeef";
  const std::string not_found = "Operation not found: " + unknown;
  for (const auto& r :
       {f.get("/api/v1/operations/" + unknown), f.get("/api/v1/operations/" + unknown + "/results"),
        f.get("/api/v1/operations/" + unknown + "/results/trades"),
        f.get("/api/v1/operations/" + unknown + "/events"), f.del("/api/v1/operations/" + unknown),
        f.post("/api/v1/operations/" + unknown + "/resume", "")}) {
    CHECK(r.status == 404);
    CHECK(error(r) == not_found);
  }
  const auto route = f.get("/api/v1/nothing");
  CHECK(route.status == 404);
  CHECK(error(route) == "Not Found: GET /api/v1/nothing");
  const auto limit = f.get("/api/v1/operations?limit=abc");
  CHECK(limit.status == 400);
  CHECK(error(limit) == "limit \"abc\" is not valid; use a whole number from 1 to 10000");
  const auto status = f.get("/api/v1/operations?status=done");
  CHECK(status.status == 400);
  CHECK(error(status) ==
        "status \"done\" is unknown; use pending, running, completed, failed, cancelled or resuming "
        "(comma-separated for several)");
  const auto active = f.get("/api/v1/operations?active_only=maybe");
  CHECK(error(active) == "active_only \"maybe\" is not a boolean; use true or false");
  const auto format = f.get("/api/v1/operations/" + unknown + "/results/trades?format=xml");
  CHECK(format.status == 400);
  CHECK(error(format) == "format \"xml\" is unknown; use json or csv");

  // no worker: the job waits in the queue; its results are not there yet (400), resume is a conflict (409)
  const std::string queued = f.start_http_backtest();
  const auto early = f.get("/api/v1/operations/" + queued + "/results");
  CHECK(early.status == 400);
  CHECK(error(early) ==
        "Operation " + queued +
            " is not finished (status: pending); results are available once it has completed or failed");
  const auto early_full = f.get("/api/v1/operations/" + queued + "/results/full");
  CHECK(early_full.status == 400);
  CHECK(error(early_full) ==
        "Operation " + queued + " has no result (status: pending); results exist once it has completed");
  const auto resume = f.post("/api/v1/operations/" + queued + "/resume", "");
  CHECK(resume.status == 409);
  CHECK(error(resume).find("is pending") != std::string::npos);
  const auto cancelled = f.del("/api/v1/operations/" + queued + "?reason=test");
  REQUIRE(cancelled.status == 200);
  CHECK(cancelled.json()["data"]["status"] == "cancelled");
  CHECK(cancelled.json()["data"]["cancellation_reason"] == "test");
  const auto bad_body = f.del("/api/v1/operations/" + queued, "nope");
  CHECK(bad_body.status == 400);

  // the broker gone: 503 within the reply budget, same shape; /health says so
  f.kill_broker();
  const auto gone = f.get("/api/v1/operations");
  CHECK(gone.status == 503);
  CHECK(error(gone) == "no reply from the broker at " + f.clients_endpoint() +
                           " after 2 attempt(s) of 1000 ms; is ktrdr-broker running? (check the gateway's "
                           "--broker, or raise --broker-timeout-ms)");
  const auto health = f.get("/health");
  CHECK(health.status == 503);
  CHECK(health.json()["healthy"] == false);
  CHECK(health.json()["broker"]["reachable"] == false);
  // SIGTERM: a clean stop (exit 0) after serving requests, broker or not
  f.gateway().signal(SIGTERM);
  CHECK(f.gateway().wait_for(10s) == std::optional<int>(0));
}
