// The web dashboard in a real browser: broker, worker and gateway as processes, headless Chromium driven by
// tests/gateway/dashboard_browser.py (selenium) submits a job from the page, watches its progress bar move
// and its final metrics appear (checked against the result the broker stored), and takes a screenshot.
// Reported SKIPPED by ctest where Chromium, chromedriver or python3-selenium is missing.
#include <doctest/doctest.h>

#include <iostream>

#include "fleet/throttle.h"
#include "gateway_fleet.h"

using namespace ktrdr::test;
using nlohmann::json;

TEST_CASE(
    "dashboard in headless Chromium: submit from the page then a moving progress bar then the final metrics "
    "and a screenshot") {
  if (auto m = missing_gateway_binary(); !m.empty()) KTRDR_SKIP(m << " is not built");
  GatewayFleet f(checkpointing_long_runs(1000));
  f.start_broker();
  f.start_worker("w1");
  f.start_gateway();
  const HttpReply index = f.get("/");
  REQUIRE(index.status == 200);
  CHECK(index.content_type == "text/html");
  CHECK(index.body.find("<script src=\"app.js\"></script>") != std::string::npos);
  CHECK(f.get("/app.js").status == 200);
  CHECK(f.get("/style.css").content_type == "text/css");

  // What the page must show: the metrics of the same run done locally.
  const json local = json::parse(f.local_run("", f.last_data_timestamp()));
  const json job = {{"strategy_name", kGoldenStrategy},
                    {"symbol", f.golden.symbol},
                    {"timeframe", f.golden.timeframe},
                    {"start_date", f.golden.start_date},
                    {"end_date", f.last_data_timestamp()},
                    {"mode", to_string(f.golden.mode)},
                    {"expect",
                     {{"total_trades", local["metrics"]["total_trades"]},
                      {"total_return", local["metrics"]["total_return"]},
                      {"sharpe_ratio", local["metrics"]["sharpe_ratio"]},
                      {"max_drawdown_pct", local["metrics"]["max_drawdown_pct"]}}}};
  const std::string shot = std::string(KTRDR_BINARY_DIR) + "/tests/dashboard.png";
  std::filesystem::remove(shot);
  Throttle slow(f.worker("w1").pid(), 5ms, 25ms);  // ~6x slower: the page sees the job mid-run
  const CommandResult r = run_command(
      "/usr/bin/python3",
      {std::string(KTRDR_SOURCE_DIR) + "/tests/gateway/dashboard_browser.py", f.url(), shot, job.dump()},
      f.dir(), 240s);
  slow.thaw();
  if (r.exit_code == 77) {
    std::cout << "KTRDR-SKIPPED: " << r.out << std::endl;
    return;
  }
  INFO("dashboard_browser.py exit " << r.exit_code << (r.timed_out ? " (timed out)" : "") << "\nstdout:\n"
                                    << r.out << "\nstderr:\n"
                                    << r.err << f.logs());
  REQUIRE(r.exit_code == 0);
  MESSAGE(r.out);
  // a PNG of the page
  const std::string png = read_text(shot);
  REQUIRE(png.size() > 10000);
  CHECK(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
}
