// cancel -> cancelled within 1 s; resume -> completes with the uninterrupted run's results.
#include <doctest/doctest.h>

#include "fleet.h"
#include "throttle.h"

using namespace ktrdr::test;

TEST_CASE("cancel stops a running job within 1 s and resume completes it with identical results") {
  if (const std::string m = missing_binary(); !m.empty()) KTRDR_SKIP(m << " is not built");
  Fleet f(checkpointing_long_runs(1000));
  f.start_broker();
  f.start_worker("w1");
  Throttle slow(f.worker("w1").pid(), 10ms, 30ms);  // ~4x slower, so the test sees it mid-run
  const std::string op = f.start_backtest("", f.last_data_timestamp());
  const auto running = f.wait_status(
      op,
      [](const nlohmann::json& s) {
        return s.value("status", "") == "running" && s.at("progress").value("bars_done", 0) > 0;
      },
      60s);
  // Frozen while the cancel is sent, so the job is certainly mid-run when the worker gets it; the clock
  // runs from the cancel request to the broker reporting `cancelled`.
  slow.freeze();
  REQUIRE_MESSAGE(running.value("status", "") == "running", running.dump() << f.logs());

  const auto t0 = std::chrono::steady_clock::now();
  const auto cancel = f.submit({"cancel", op, "--json"});
  slow.thaw();
  CHECK(cancel.exit_code == 0);
  const auto cancelled = f.wait_status(
      op, [](const nlohmann::json& s) { return s.value("status", "") == "cancelled"; }, 5s);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE_MESSAGE(cancelled.value("status", "") == "cancelled", cancelled.dump() << f.logs());
  CHECK(seconds <= 1.0);
  MESSAGE("cancelled after " << seconds << " s at bar " << cancelled.value("checkpoint_bar", 0));

  // Results of a cancelled job: exit 5.
  CHECK(f.submit({"results", op, "--json"}).exit_code == 5);

  const auto resumed = f.submit_json({"resume", op, "--wait"}, 60s);
  CHECK(resumed.value("status", "") == "completed");
  CHECK(resumed.value("operation_id", "") == op);
  const std::string local = f.local_run("", f.last_data_timestamp());
  INFO(f.logs());
  CHECK(compare_results(f.results(op), local) == "");
}
