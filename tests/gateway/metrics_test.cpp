// /metrics with real processes: the exposition parses as Prometheus text (0.0.4), names and labels follow
// the conventions, and a known fleet state gives exact lines.
#include <doctest/doctest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "gateway_fleet.h"

using namespace ktrdr::test;

namespace {

struct Family {
  std::string type;
  bool help = false;
  std::vector<std::pair<std::string, double>> samples;  // full sample name (with labels), value
};

// Parses a text exposition strictly enough for our output: every line is `# HELP name text`,
// `# TYPE name type` or `name{label="v",...} value`; a family's HELP and TYPE come once, before its samples;
// sample names are the family's (plus _bucket/_sum/_count for histograms). Fails the test case otherwise.
std::map<std::string, Family> parse_exposition(const std::string& text) {
  std::map<std::string, Family> families;
  const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*))");
  const std::regex type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  const std::regex sample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\["\\n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\["\\n])*")*\})? ([-+]?(\d+(\.\d*)?([eE][-+]?\d+)?|Inf|NaN)))");
  REQUIRE(!text.empty());
  REQUIRE(text.back() == '\n');
  std::istringstream in(text);
  std::string line, current;
  std::smatch m;
  while (std::getline(in, line)) {
    INFO("line: " << line);
    if (std::regex_match(line, m, help)) {
      REQUIRE_FALSE(families[m[1]].help);
      families[m[1]].help = true;
      current = m[1];
    } else if (std::regex_match(line, m, type)) {
      REQUIRE(m[1] == current);
      REQUIRE(families[m[1]].type.empty());
      families[m[1]].type = m[2];
    } else if (std::regex_match(line, m, sample)) {
      const std::string name = m[1];
      std::string family = name;
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        const std::string s = suffix;
        if (families.count(name) == 0 && name.size() > s.size() && name.ends_with(s)) {
          family = name.substr(0, name.size() - s.size());
        }
      }
      REQUIRE(family == current);
      REQUIRE_FALSE(families[family].type.empty());
      const std::string value = m[8];
      families[family].samples.emplace_back(line.substr(0, line.rfind(' ')),
                                            value == "+Inf" || value == "Inf" ? INFINITY
                                            : value == "-Inf"                 ? -INFINITY
                                                                              : std::stod(value));
    } else {
      FAIL("not a Prometheus text line");
    }
  }
  for (const auto& [name, f] : families) {
    INFO("family " << name);
    if (f.type == "histogram") {  // cumulative buckets ending with +Inf == _count
      double last = 0, inf = -1, count = -2;
      for (const auto& [series, v] : f.samples) {
        if (series.find("_bucket{") != std::string::npos) {
          CHECK(v >= last);
          last = v;
          if (series.find("le=\"+Inf\"") != std::string::npos) inf = v;
        }
        if (series == name + "_count") count = v;
      }
      CHECK(inf == count);
    }
    CHECK(name.rfind("ktrdr_", 0) == 0);
    CHECK(f.help);
    CHECK((f.type == "counter") == name.ends_with("_total"));
  }
  return families;
}

bool has_line(const std::string& text, const std::string& line) {
  std::string haystack(1, '\n'), needle(1, '\n');
  haystack.append(text);
  needle.append(line).push_back('\n');
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("/metrics: Prometheus text with exact values for a known fleet state") {
  if (auto m = missing_gateway_binary(); !m.empty()) KTRDR_SKIP(m << " is not built");
  GatewayFleet f;
  f.start_broker();
  f.start_worker("w1");
  f.start_gateway();
  const HttpReply empty = f.get("/metrics");
  REQUIRE(empty.status == 200);
  CHECK(empty.content_type == "text/plain; version=0.0.4; charset=utf-8");
  parse_exposition(empty.body);
  for (const char* line :
       {"ktrdr_broker_up 1", "ktrdr_workers{state=\"idle\"} 1", "ktrdr_workers{state=\"busy\"} 0",
        "ktrdr_workers{state=\"dead\"} 0", "ktrdr_queue_length 0", "ktrdr_operations_known 0",
        "ktrdr_operation_transitions_total{state=\"completed\"} 0", "ktrdr_gateway_event_streams 0"}) {
    CHECK_MESSAGE(has_line(empty.body, line), line << "\n" << empty.body);
  }

  // one backtest, completed, seen on the feed
  const std::string op = f.start_http_backtest();
  REQUIRE(f.wait_finished(op).value("status", "") == "completed");
  REQUIRE(f.wait_metric("ktrdr_operation_transitions_total{state=\"completed\"} 1"));
  const std::string result = f.get("/api/v1/operations/" + op + "/results/full").body;
  const HttpReply after = f.get("/metrics");
  const auto families = parse_exposition(after.body);
  for (const std::string& line : std::vector<std::string>{
           "ktrdr_broker_up 1", "ktrdr_workers{state=\"idle\"} 1", "ktrdr_queue_length 0",
           "ktrdr_operations_known 1", "ktrdr_operation_transitions_total{state=\"pending\"} 1",
           "ktrdr_operation_transitions_total{state=\"running\"} 1",
           "ktrdr_operation_transitions_total{state=\"completed\"} 1",
           "ktrdr_operation_transitions_total{state=\"failed\"} 0", "ktrdr_backtests_reporting 0",
           "ktrdr_bars_per_second 0", "ktrdr_feed_dropped_messages_total 0",
           "ktrdr_gateway_result_bytes_served_total " + std::to_string(result.size()),
           "ktrdr_gateway_result_cache_bytes " + std::to_string(result.size()),
           // the broker's counters (kMetrics)
           "ktrdr_queue_depth{type=\"backtest\"} 0", "ktrdr_operations{state=\"completed\"} 1",
           "ktrdr_operations{state=\"running\"} 0", "ktrdr_operations{state=\"pending\"} 0",
           "ktrdr_jobs_accepted_total 1", "ktrdr_dispatches_total 1", "ktrdr_retries_total 0",
           "ktrdr_results_stored_total 1", "ktrdr_result_bytes_total " + std::to_string(result.size()),
           "ktrdr_checkpoints_stored_total 0", "ktrdr_checkpoint_bytes_total 0",
           "ktrdr_dispatch_latency_seconds_count 1", "ktrdr_dispatch_latency_seconds_bucket{le=\"+Inf\"} 1",
           "ktrdr_broker_dropped_messages_total{source=\"client\"} 0",
           "ktrdr_broker_dropped_messages_total{source=\"worker\"} 0"}) {
    CHECK_MESSAGE(has_line(after.body, line), line << "\n" << after.body);
  }
  // bars counted from the progress snapshots of a job seen starting afresh
  const double bars = families.at("ktrdr_bars_processed_total").samples.at(0).second;
  CHECK(bars ==
        2950);  // every bar of the window (3000 - 50 warm-up), the tail after the last snapshot included
  CHECK(families.at("ktrdr_progress_messages_total").samples.at(0).second >= 1);
  CHECK(families.at("ktrdr_gateway_http_responses_total").type == "counter");
  CHECK(families.at("ktrdr_store_size_bytes").samples.at(0).second > 0);
  CHECK(families.at("ktrdr_dispatch_latency_seconds").type == "histogram");
  CHECK(families.at("ktrdr_dispatch_latency_seconds").samples.size() ==
        17 + 1 + 2);  // buckets, +Inf, sum, count

  // the broker gone: still a valid exposition, broker_up 0
  f.kill_broker();
  const HttpReply down = f.get("/metrics");
  CHECK(down.status == 200);
  parse_exposition(down.body);
  CHECK(has_line(down.body, "ktrdr_broker_up 0"));
  CHECK(has_line(down.body, "ktrdr_gateway_broker_unreachable_total 1"));
}
