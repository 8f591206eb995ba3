// ktrdr_gateway's pieces without processes: Prometheus text, the LRU cache, equity thinning and drawdown,
// trade pages, the start request mapping, event subscriptions.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <thread>

#include "ktrdr/common/error.h"
#include "ktrdr/gateway/api_error.h"
#include "ktrdr/gateway/feed_hub.h"
#include "ktrdr/gateway/lru_cache.h"
#include "ktrdr/gateway/prometheus_text.h"
#include "ktrdr/gateway/result_series.h"
#include "ktrdr/gateway/start_request.h"

using namespace ktrdr::gateway;
using nlohmann::json;

TEST_CASE(
    "prometheus text: HELP and TYPE once with escaped labels and integers without decimals and cumulative "
    "histograms") {
  PrometheusText p;
  p.family("ktrdr_workers", "gauge", "Workers by state.\nSecond \\ line");
  p.sample("ktrdr_workers", {{"state", "idle"}}, 2);
  p.sample("ktrdr_workers", {{"state", "a\"b\\c\nd"}}, 0.5);
  p.family("ktrdr_x_seconds", "histogram", "Latency.");
  p.histogram("ktrdr_x_seconds", {0.001, 0.01, 0.1}, {3, 0, 2, 1}, 0.25);
  CHECK(p.text() ==
        "# HELP ktrdr_workers Workers by state.\\nSecond \\\\ line\n"
        "# TYPE ktrdr_workers gauge\n"
        "ktrdr_workers{state=\"idle\"} 2\n"
        "ktrdr_workers{state=\"a\\\"b\\\\c\\nd\"} 0.5\n"
        "# HELP ktrdr_x_seconds Latency.\n"
        "# TYPE ktrdr_x_seconds histogram\n"
        "ktrdr_x_seconds_bucket{le=\"0.001\"} 3\n"
        "ktrdr_x_seconds_bucket{le=\"0.01\"} 3\n"
        "ktrdr_x_seconds_bucket{le=\"0.1\"} 5\n"
        "ktrdr_x_seconds_bucket{le=\"+Inf\"} 6\n"
        "ktrdr_x_seconds_sum 0.25\n"
        "ktrdr_x_seconds_count 6\n");
  CHECK(PrometheusText::format_value(1e300) == "1e+300");
  CHECK(PrometheusText::format_value(-3) == "-3");
  CHECK(PrometheusText::format_value(1.0 / 0.0) == "+Inf");
  CHECK(PrometheusText::format_value(123456789012.0) == "123456789012");
}

TEST_CASE("LRU cache: evicts the least recently used past the budget and keeps no entry over budget") {
  LruCache<std::string> cache(10);
  cache.put("a", std::make_shared<const std::string>("aaaa"), 4);
  cache.put("b", std::make_shared<const std::string>("bbbb"), 4);
  REQUIRE(cache.get("a"));  // a is now the most recent
  cache.put("c", std::make_shared<const std::string>("cccc"), 4);
  CHECK(cache.get("b") == nullptr);
  CHECK(*cache.get("a") == "aaaa");
  CHECK(*cache.get("c") == "cccc");
  CHECK(cache.used() == 8);
  cache.put("big", std::make_shared<const std::string>("x"), 11);
  CHECK(cache.get("big") == nullptr);
  CHECK(cache.size() == 2);
  cache.put("a", std::make_shared<const std::string>("A"), 1);  // replace: cost updated
  CHECK(*cache.get("a") == "A");
  CHECK(cache.used() == 5);
}

namespace {

// A result whose equity curve is the given values (hourly), with `trades` trivial trades.
std::string result_with(const std::vector<double>& values, int trades) {
  json curve = json::array();
  for (std::size_t i = 0; i < values.size(); ++i) {
    curve.push_back({{"timestamp", fmt::format("2020-01-{:02}T{:02}:00:00Z", 1 + i / 24, i % 24)},
                     {"price", 1.0},
                     {"portfolio_value", values[i]},
                     {"position", "FLAT"}});
  }
  json t = json::array();
  for (int i = 0; i < trades; ++i) t.push_back({{"trade_id", std::to_string(i + 1)}, {"net_pnl", i}});
  return json{{"metrics", {{"total_trades", trades}}}, {"trades", t}, {"equity_curve", curve}}.dump();
}

}  // namespace

TEST_CASE(
    "equity series: drawdown from the running peak and thinning that keeps the ends and each slice's "
    "extremes") {
  const json all = equity_series(result_with({100, 110, 99, 120, 90, 130}, 0), 0);
  REQUIRE(all["points"].size() == 6);
  CHECK(all["total_points"] == 6);
  const std::vector<double> dd = {0, 0, (110.0 - 99) / 110, 0, (120.0 - 90) / 120, 0};
  for (std::size_t i = 0; i < 6; ++i) CHECK(all["points"][i]["drawdown_pct"].get<double>() == dd[i]);
  CHECK(all["max_drawdown_pct"].get<double>() == 0.25);

  // 600 points, a dip at 333 and a spike at 100: 30 asked -> 10 slices of 60 -> at most 3 each + the ends
  std::vector<double> v(600, 1000.0);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] += static_cast<double>(i % 7);
  v[100] = 5000;
  v[333] = 10;
  const json thin = equity_series(result_with(v, 0), 30);
  CHECK(thin["total_points"] == 600);
  CHECK(thin["points"].size() <= 32);
  CHECK(thin["points"].front()["timestamp"] == "2020-01-01T00:00:00Z");
  CHECK(thin["points"].back()["timestamp"] == "2020-01-25T23:00:00Z");
  bool spike = false, dip = false;
  std::string prev;
  for (const auto& p : thin["points"]) {
    spike = spike || p["portfolio_value"] == 5000.0;
    dip = dip || p["portfolio_value"] == 10.0;
    CHECK(p["timestamp"].get<std::string>() > prev);  // time order, no duplicates
    prev = p["timestamp"];
  }
  CHECK(spike);
  CHECK(dip);
  CHECK(thin["max_drawdown_pct"].get<double>() == (5000.0 - 10) / 5000);
}

TEST_CASE("trade pages: offset and limit over the stored trades with the total always counted") {
  const std::string r = result_with({1, 2}, 7);
  const json page = trades_page(r, 2, 3);
  CHECK(page["total"] == 7);
  CHECK(page["offset"] == 2);
  REQUIRE(page["trades"].size() == 3);
  CHECK(page["trades"][0]["trade_id"] == "3");
  CHECK(page["trades"][2]["trade_id"] == "5");
  CHECK(trades_page(r, 0, 0)["trades"].size() == 7);
  CHECK(trades_page(r, 9, 0)["trades"].size() == 0);
  CHECK_THROWS_AS(trades_page("[1]", 0, 0), ktrdr::Error);
}

TEST_CASE("start request: the reference's fields and defaults map onto the JobSpec") {
  const auto job = parse_start_request(
      R"({"strategy_name": " trend ", "start_date": "2024-01-02", "end_date": "2024-03-01T12:00:00",
          "model_path": "trend/1h_v3", "commission": 0.0, "timeframes": ["1h"], "unknown": 1})");
  CHECK(job.strategy == "trend");
  CHECK(job.symbol.empty());
  CHECK(job.timeframe.empty());
  CHECK(job.start_date == "2024-01-02");
  CHECK(job.end_date == "2024-03-01T12:00:00");
  CHECK(job.model == "trend/1h_v3");
  CHECK(job.costs.initial_capital == 100000.0);
  CHECK(job.costs.commission == 0.0);
  CHECK(job.costs.slippage == 0.0005);
  CHECK(job.mode == ktrdr::Mode::kCorrected);
  CHECK(job.job_type == "backtest");
  try {
    parse_start_request(R"({"strategy_name": "s", "start_date": "2024-01-02", "end_date": "2024-03-01",
                            "symbol": ""})");
    FAIL("an empty symbol was accepted");
  } catch (const ApiError& e) {
    CHECK(e.status() == 400);
    CHECK(std::string(e.what()) == "symbol must not be empty when given (leave it out for the model's own)");
  }
}

TEST_CASE(
    "event subscription: filters by operation and drops the oldest past its capacity and wakes on close") {
  FeedSubscription sub("op_a", 2);
  auto progress = [](const std::string& op, uint64_t seq) {
    ktrdr::client::FeedEvent e;
    e.command = ktrdr::proto::Command::kProgress;
    e.progress.op_id = op;
    e.progress.seq = seq;
    return e;
  };
  sub.push(progress("op_b", 1));
  sub.push(progress("op_a", 2));
  sub.push(progress("op_a", 3));
  sub.push(progress("op_a", 4));
  const auto got = sub.wait(std::chrono::milliseconds(0));
  REQUIRE(got.size() == 2);
  CHECK(got[0].progress.seq == 3);
  CHECK(got[1].progress.seq == 4);
  CHECK(sub.dropped() == 1);
  CHECK(sub.wait(std::chrono::milliseconds(0)).empty());
  std::thread closer([&] { sub.close(); });
  CHECK(sub.wait(std::chrono::seconds(30)).empty());  // returns on close, not after 30 s
  closer.join();
  CHECK(sub.closed());
}
