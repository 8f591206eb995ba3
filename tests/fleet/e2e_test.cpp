// End to end: broker + 2 workers + ktrdr-submit give the same result as `ktrdr-backtest run`.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "fleet.h"

using namespace ktrdr::test;

namespace {

size_t count_lines(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("submit --wait and --follow on 2 workers give the results of ktrdr-backtest run") {
  if (const std::string m = missing_binary(); !m.empty()) KTRDR_SKIP(m << " is not built");
  Fleet f;
  f.start_broker();
  f.start_worker("w1");
  f.start_worker("w2");

  // --wait --json: {operation_id, status}, exit 0 once completed.
  auto args = f.backtest_args();
  args.push_back("--wait");
  const auto waited = f.submit_json(args, 60s);
  REQUIRE(waited.value("status", "") == "completed");
  const std::string op = waited.at("operation_id").get<std::string>();

  const std::string local = f.local_run();
  const std::string remote = f.results(op);
  INFO(f.logs());
  CHECK(compare_results(remote, local) == "");
  // the worker that ran it kept the parsed data file in its bar cache (default <state-dir>/bar-cache)
  size_t entries = 0;
  for (const char* w : {"w1", "w2"}) {
    const std::filesystem::path cache = f.dir() + "/worker-" + w + "-state/bar-cache";
    if (!std::filesystem::is_directory(cache)) continue;
    for (const auto& e : std::filesystem::directory_iterator(cache)) entries += e.path().extension() == ".bars";
  }
  CHECK(entries == 1);

  // --follow without a TTY: progress lines on stderr, summary on stdout, exit 0.
  auto follow_args = f.backtest_args();
  follow_args.push_back("--follow");
  const auto followed = f.submit(follow_args, 60s);
  INFO("follow stderr: " << followed.err << "\nstdout: " << followed.out);
  CHECK(followed.exit_code == 0);
  CHECK(followed.out.find("completed") != std::string::npos);
  CHECK(followed.err.find("operation op_backtesting_") != std::string::npos);

  // CSV exports from the stored result: one line per trade / equity point plus the header.
  const auto doc = nlohmann::json::parse(remote);
  const std::string trades = f.dir() + "/trades.csv", equity = f.dir() + "/equity.csv";
  const auto r = f.submit({"results", op, "--trades-csv", trades, "--equity-csv", equity});
  CHECK(r.exit_code == 0);
  const std::string trades_text = read_text(trades), equity_text = read_text(equity);
  CHECK(count_lines(trades_text) == doc.at("trades").size() + 1);
  CHECK(count_lines(equity_text) == doc.at("equity_curve").size() + 1);
  CHECK(trades_text.rfind("trade_id,symbol,side,", 0) == 0);
  CHECK(equity_text.rfind("timestamp,price,portfolio_value,position\n", 0) == 0);

  // The op is listed once, completed; the fleet shows both workers.
  const auto listed = f.submit_json({"list"});
  int seen = 0;
  for (const auto& o : listed.at("operations")) seen += o.value("operation_id", "") == op;
  CHECK(seen == 1);
  CHECK(listed.at("fleet").at("workers").size() == 2);
}

TEST_CASE("client errors have distinct exit codes") {
  if (const std::string m = missing_binary(); !m.empty()) KTRDR_SKIP(m << " is not built");
  Fleet f;
  // Broker not started: unreachable (6), within the request budget (3 s x 3 attempts).
  const auto down = f.submit({"status"}, 20s);
  CHECK(down.exit_code == 6);
  CHECK(down.seconds < 12.0);
  f.start_broker();
  f.start_worker("w1");
  // Usage errors (2).
  CHECK(f.submit({"backtest", "bench12", "--start", "2020-01-06"}).exit_code == 2);
  CHECK(f.submit({"backtest", "bench12", "--start", "not-a-date", "--end", "2020-02-01"}).exit_code == 2);
  CHECK(f.submit({"no-such-command"}).exit_code == 2);
  // Unknown operation (3).
  CHECK(f.submit({"status", "op_backtesting_20200101_000000_deadbeef"}).exit_code == 3);
  CHECK(f.submit({"results", "op_backtesting_20200101_000000_deadbeef", "--json"}).exit_code == 3);
  // A job the worker cannot run (no such strategy): --wait ends with 4 (failed) or the broker rejects it (3).
  auto bad = f.backtest_args();
  bad[1] = "no_such_strategy";
  bad.push_back("--wait");
  const auto failed = f.submit(bad, 30s);
  INFO(failed.err << f.logs());
  CHECK((failed.exit_code == 4 || failed.exit_code == 3));
}
