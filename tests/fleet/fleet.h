// A whole fleet for one test: a temp directory with a models root (the golden bench12 model installed as
// {root}/bench12/1h_v1 + 1h_latest), a data directory, the broker's state dir and ipc:// endpoints; a real
// ktrdr-broker, any number of ktrdr-worker processes, and ktrdr-submit / ktrdr-backtest runs with deadlines.
// Everything is killed and removed when the Fleet goes out of scope. Header-only (the test target globs
// *_test.cpp): definitions in fleet_impl.h.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/golden_case.h"
#include "support/process.h"
#include "support/skip.h"
#include "support/temp_dir.h"

namespace ktrdr::test {

using namespace std::chrono_literals;

// ${KTRDR_BINARY_DIR}/<relative>, e.g. bin("broker/ktrdr-broker").
inline std::string bin(const std::string& relative);
// "" when broker, worker, submit and backtest are all built, else the first one missing. A fleet test
// starts with: if (auto m = missing_binary(); !m.empty()) KTRDR_SKIP(m << " is not built");
inline std::string missing_binary();

// The golden case the fleet tests run, tests/golden/v1_bench12, installed as strategy kGoldenStrategy.
inline constexpr const char* kGoldenStrategy = "bench12";

// Copies tests/golden/v1_bench12/model to {models_root}/{strategy}/1h_v1 and links 1h_latest to it.
inline void install_golden_model(const std::string& models_root,
                                 const std::string& strategy = kGoldenStrategy);
// Writes {data_dir}/SYNTH_1h.csv: the golden series repeated `repetitions` times (each copy shifted by the
// series' whole-week span and rescaled to continue from the previous close), so timestamps keep increasing
// and the weekday pattern is kept. Returns the last timestamp (ISO) of the file.
inline std::string write_synth_data(const std::string& data_dir, int repetitions);

// Data length (x the golden 3000 bars) that keeps one job running for a few seconds, so that a test can
// kill or cancel it mid-run after a checkpoint.
inline constexpr int kLongRunRepetitions = 20;

struct FleetOptions {
  int repetitions = 1;              // data length: golden series x repetitions
  int heartbeat_interval_ms = 250;  // broker and workers
  int heartbeat_liveness = 4;
  std::vector<std::string> broker_args;  // extra ktrdr-broker options
  std::vector<std::string> worker_args;  // extra ktrdr-worker options for every worker
};

// Long jobs whose workers checkpoint exactly every `every_bars` (no minimum gap), for the tests that stop,
// kill or cancel a job mid-run and resume it from a checkpoint.
inline FleetOptions checkpointing_long_runs(int every_bars) {
  FleetOptions o;
  o.repetitions = kLongRunRepetitions;
  o.worker_args = {"--checkpoint-every-bars", std::to_string(every_bars), "--checkpoint-min-gap-seconds",
                   "0"};
  return o;
}

class Fleet {
 public:
  explicit Fleet(FleetOptions options = {});
  ~Fleet();

  const std::string& dir() const { return dir_.str(); }
  const std::string& models_root() const { return models_root_; }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& clients_endpoint() const { return clients_; }
  const std::string& progress_out_endpoint() const { return progress_out_; }
  const std::string& last_data_timestamp() const { return last_ts_; }

  // Starts (or restarts, on the same state dir and endpoints) the broker; waits until it answers `status`.
  void start_broker();
  void kill_broker();  // SIGKILL
  Process& broker() { return *broker_; }

  // Starts worker `id` (extra options after the common ones); waits until the broker lists it when `wait`.
  Process& start_worker(const std::string& id, const std::vector<std::string>& extra = {}, bool wait = true);
  Process& worker(const std::string& id) { return *workers_.at(id); }
  void kill_worker(const std::string& id);  // SIGKILL

  // ktrdr-submit with this fleet's endpoints (global options first), killed at `timeout`.
  CommandResult submit(const std::vector<std::string>& args, std::chrono::milliseconds timeout = 20s);
  // Same with --json, stdout parsed (FAILs the test on a non-zero exit or unparsable output).
  nlohmann::json submit_json(const std::vector<std::string>& args, std::chrono::milliseconds timeout = 20s);
  // Starts ktrdr-submit in the background (e.g. `backtest ... --follow`).
  std::unique_ptr<Process> submit_async(const std::vector<std::string>& args, const std::string& name);

  // `backtest` arguments for the golden strategy over [start, end] (defaults: the golden case).
  std::vector<std::string> backtest_args(const std::string& start = "", const std::string& end = "") const;
  // Submits without waiting; returns the operation id.
  std::string start_backtest(const std::string& start = "", const std::string& end = "",
                             const std::vector<std::string>& extra = {});
  // `status OP --json`; null when the broker does not answer.
  nlohmann::json status(const std::string& op_id);
  // Polls `status` until pred(op json) or the deadline; returns the last status seen.
  nlohmann::json wait_status(const std::string& op_id, const std::function<bool(const nlohmann::json&)>& pred,
                             std::chrono::milliseconds timeout);
  // The result JSON text (`results OP --json`).
  std::string results(const std::string& op_id);

  // `ktrdr-backtest run` on the same inputs (model = the installed golden model); returns the result JSON
  // text.
  std::string local_run(const std::string& start = "", const std::string& end = "");

  // Where the daemons' stderr goes (for failure messages).
  std::string logs() const;

  const GoldenCase golden = load_golden_case("v1_bench12");

 private:
  std::vector<std::string> global_args() const;

  FleetOptions options_;
  TempDir dir_{"ktrdr-fleet"};
  std::string models_root_, data_dir_, state_dir_, last_ts_;
  std::string clients_, workers_ep_, progress_in_, progress_out_;
  std::unique_ptr<Process> broker_;
  int broker_starts_ = 0;
  std::map<std::string, std::unique_ptr<Process>> workers_;
};

// Results compare equal for the fleet's purpose: metrics, trades and equity curve identical (exact JSON
// equality of those members), plus every other member except run timing/provenance. Returns "" when equal,
// else a description of the first difference.
inline std::string compare_results(const std::string& a_json, const std::string& b_json);

}  // namespace ktrdr::test

#include "fleet_impl.h"
