// Definitions for fleet.h (included at its end).
#pragma once

#include <stdlib.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "ktrdr/common/time.h"

namespace ktrdr::test {

inline std::string bin(const std::string& relative) {
  return std::string(KTRDR_BINARY_DIR) + "/" + relative;
}

inline std::string missing_binary() {
  for (const char* b :
       {"broker/ktrdr-broker", "daemon/ktrdr-worker", "client/ktrdr-submit", "client/ktrdr-backtest"}) {
    if (!is_executable(bin(b))) return b;
  }
  return {};
}

inline void install_golden_model(const std::string& models_root, const std::string& strategy) {
  namespace fs = std::filesystem;
  const fs::path src = fs::path(KTRDR_TEST_DATA) / "golden/v1_bench12/model";
  const fs::path dst = fs::path(models_root) / strategy / "1h_v1";
  fs::create_directories(dst);
  fs::copy(src, dst, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  const fs::path latest = fs::path(models_root) / strategy / "1h_latest";
  if (!fs::exists(latest)) fs::create_directory_symlink("1h_v1", latest);
}

inline std::string write_synth_data(const std::string& data_dir, int repetitions) {
  std::ifstream in(std::string(KTRDR_TEST_DATA) + "/golden/v1_bench12/data/SYNTH_1h.csv");
  REQUIRE_MESSAGE(in.good(), "golden data tests/golden/v1_bench12/data/SYNTH_1h.csv missing");
  std::string header, line;
  std::getline(in, header);
  struct Row {
    int64_t ts;
    double o, h, l, c;
    std::string volume;
  };
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::stringstream ss(line);
    std::string ts, o, h, l, c, v;
    std::getline(ss, ts, ',');
    std::getline(ss, o, ',');
    std::getline(ss, h, ',');
    std::getline(ss, l, ',');
    std::getline(ss, c, ',');
    std::getline(ss, v, ',');
    rows.push_back(
        {parse_timestamp_ns(ts, "golden csv"), std::stod(o), std::stod(h), std::stod(l), std::stod(c), v});
  }
  REQUIRE(rows.size() > 100);
  constexpr int64_t kWeek = 7 * kNanosPerDay;
  const int64_t span = ((rows.back().ts - rows.front().ts) / kWeek + 1) * kWeek;
  std::filesystem::create_directories(data_dir);
  std::ofstream out(data_dir + "/SYNTH_1h.csv");
  out << header << '\n';
  double scale = 1.0;
  int64_t last = 0;
  for (int k = 0; k < repetitions; ++k) {
    for (const auto& r : rows) {
      last = r.ts + k * span;
      out << fmt::format("{},{:.6f},{:.6f},{:.6f},{:.6f},{}\n", format_iso_utc(last), r.o * scale,
                         r.h * scale, r.l * scale, r.c * scale, r.volume);
    }
    scale *= rows.back().c / rows.front().o;
  }
  REQUIRE(out.good());
  return format_iso_utc(last);
}

inline Fleet::Fleet(FleetOptions options) : options_(std::move(options)) {
  models_root_ = dir_ / "models";
  data_dir_ = dir_ / "data";
  state_dir_ = dir_ / "broker-state";
  clients_ = "ipc://" + (dir_ / "clients.ipc");
  workers_ep_ = "ipc://" + (dir_ / "workers.ipc");
  progress_in_ = "ipc://" + (dir_ / "progress-in.ipc");
  progress_out_ = "ipc://" + (dir_ / "progress-out.ipc");
  install_golden_model(models_root_);
  last_ts_ = write_synth_data(data_dir_, options_.repetitions);
}

inline Fleet::~Fleet() {
  for (auto& [id, w] : workers_) w->kill_and_reap();
  if (broker_) broker_->kill_and_reap();
}

inline std::string Fleet::logs() const {
  std::string s;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path(), ec)) {
    const auto name = e.path().filename().string();
    if (name.size() > 4 && name.substr(name.size() - 4) == ".log") {
      std::string text = read_text_or_empty(e.path().string());
      if (text.size() > 3000) text = "..." + text.substr(text.size() - 3000);
      s += "---- " + name + "\n" + text;
    }
  }
  return s;
}

inline std::vector<std::string> Fleet::global_args() const {
  return {"--broker", clients_, "--progress", progress_out_, "--timeout-ms", "3000", "--retries", "2"};
}

inline void Fleet::start_broker() {
  if (broker_) broker_->kill_and_reap();
  ProcessOptions po;
  po.stdout_path = dir_ / fmt::format("broker{}.out.log", broker_starts_);
  po.stderr_path = dir_ / fmt::format("broker{}.log", broker_starts_);
  ++broker_starts_;
  std::vector<std::string> args = {"--clients",
                                   clients_,
                                   "--workers",
                                   workers_ep_,
                                   "--progress-in",
                                   progress_in_,
                                   "--progress-out",
                                   progress_out_,
                                   "--state-dir",
                                   state_dir_,
                                   "--heartbeat-interval-ms",
                                   std::to_string(options_.heartbeat_interval_ms),
                                   "--heartbeat-liveness",
                                   std::to_string(options_.heartbeat_liveness),
                                   "--log-level",
                                   "debug"};
  args.insert(args.end(), options_.broker_args.begin(), options_.broker_args.end());
  broker_ = std::make_unique<Process>(bin("broker/ktrdr-broker"), args, po);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    REQUIRE_MESSAGE(broker_->running(), "ktrdr-broker exited at start\n" << logs());
    const auto r = run_command(
        bin("client/ktrdr-submit"),
        {"--broker", clients_, "--timeout-ms", "300", "--retries", "0", "status", "--json"}, dir_.str(), 5s);
    if (r.exit_code == 0) return;
  }
  FAIL("ktrdr-broker did not answer `status` within 10 s\n" << logs());
}

inline void Fleet::kill_broker() {
  if (broker_) broker_->kill_and_reap();
}

inline Process& Fleet::start_worker(const std::string& id, const std::vector<std::string>& extra, bool wait) {
  if (auto it = workers_.find(id); it != workers_.end()) it->second->kill_and_reap();
  ProcessOptions po;
  po.stdout_path = dir_ / ("worker-" + id + ".out.log");
  po.stderr_path = dir_ / ("worker-" + id + ".log");
  std::vector<std::string> args = {"--broker",
                                   workers_ep_,
                                   "--progress",
                                   progress_in_,
                                   "--id",
                                   id,
                                   "--models-root",
                                   models_root_,
                                   "--data-dir",
                                   data_dir_,
                                   "--state-dir",
                                   dir_ / ("worker-" + id + "-state"),
                                   "--reconnect-max-ms",
                                   "1000",
                                   "--heartbeat-interval-ms",
                                   std::to_string(options_.heartbeat_interval_ms),
                                   "--log-level",
                                   "debug"};
  args.insert(args.end(), options_.worker_args.begin(), options_.worker_args.end());
  args.insert(args.end(), extra.begin(), extra.end());
  auto& w = workers_[id];
  w = std::make_unique<Process>(bin("daemon/ktrdr-worker"), args, po);
  if (wait) {
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
      REQUIRE_MESSAGE(w->running(), "ktrdr-worker " << id << " exited at start\n" << logs());
      const auto r = submit({"status", "--json"}, 5s);
      if (r.exit_code == 0) {
        const auto fleet = nlohmann::json::parse(r.out, nullptr, false);
        if (!fleet.is_discarded()) {
          for (const auto& wi : fleet.value("workers", nlohmann::json::array())) {
            if (wi.value("worker_id", "") == id && wi.value("state", "") != "dead") return *w;
          }
        }
      }
      std::this_thread::sleep_for(50ms);
    }
    FAIL("worker " << id << " did not register within 15 s\n" << logs());
  }
  return *w;
}

inline void Fleet::kill_worker(const std::string& id) {
  workers_.at(id)->kill_and_reap();
}

inline CommandResult Fleet::submit(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  std::vector<std::string> all = global_args();
  all.insert(all.end(), args.begin(), args.end());
  return run_command(bin("client/ktrdr-submit"), all, dir_.str(), timeout);
}

inline nlohmann::json Fleet::submit_json(const std::vector<std::string>& args,
                                         std::chrono::milliseconds timeout) {
  std::vector<std::string> all = args;
  all.push_back("--json");
  const auto r = submit(all, timeout);
  INFO("ktrdr-submit " << fmt::format("{}", fmt::join(args, " ")) << "\nstdout: " << r.out
                       << "\nstderr: " << r.err);
  REQUIRE_MESSAGE(r.exit_code == 0, "exit code " << r.exit_code << (r.timed_out ? " (timed out)" : "") << "\n"
                                                 << logs());
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE_MESSAGE(!j.is_discarded(), "stdout is not JSON");
  return j;
}

inline std::unique_ptr<Process> Fleet::submit_async(const std::vector<std::string>& args,
                                                    const std::string& name) {
  std::vector<std::string> all = global_args();
  all.insert(all.end(), args.begin(), args.end());
  ProcessOptions po;
  po.stdout_path = dir_ / (name + ".out");
  po.stderr_path = dir_ / (name + ".err");
  return std::make_unique<Process>(bin("client/ktrdr-submit"), all, po);
}

inline std::vector<std::string> Fleet::backtest_args(const std::string& start, const std::string& end) const {
  return {"backtest",    kGoldenStrategy,
          "--start",     start.empty() ? golden.start_date : start,
          "--end",       end.empty() ? golden.end_date : end,
          "--symbol",    golden.symbol,
          "--timeframe", golden.timeframe,
          "--mode",      std::string(to_string(golden.mode))};
}

inline std::string Fleet::start_backtest(const std::string& start, const std::string& end,
                                         const std::vector<std::string>& extra) {
  auto args = backtest_args(start, end);
  args.insert(args.end(), extra.begin(), extra.end());
  const auto j = submit_json(args);
  REQUIRE(j.contains("operation_id"));
  return j["operation_id"].get<std::string>();
}

inline nlohmann::json Fleet::status(const std::string& op_id) {
  const auto r = submit({"status", op_id, "--json"}, 10s);
  if (r.exit_code != 0) return nullptr;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j;
}

inline nlohmann::json Fleet::wait_status(const std::string& op_id,
                                         const std::function<bool(const nlohmann::json&)>& pred,
                                         std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  nlohmann::json last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto s = status(op_id);
    if (!s.is_null()) {
      last = s;
      if (pred(s)) return s;
    }
    std::this_thread::sleep_for(50ms);
  }
  return last;
}

inline std::string Fleet::results(const std::string& op_id) {
  const auto r = submit({"results", op_id, "--json"}, 20s);
  INFO("results " << op_id << " stderr: " << r.err);
  REQUIRE_MESSAGE(r.exit_code == 0, "results exit code " << r.exit_code << "\n" << logs());
  return r.out;
}

inline std::string Fleet::local_run(const std::string& start, const std::string& end) {
  const std::string out =
      dir_ / fmt::format("local-{}-{}.json", start.empty() ? "start" : start.substr(0, 10),
                         end.empty() ? "end" : end.substr(0, 10));
  const auto r =
      run_command(bin("client/ktrdr-backtest"),
                  {"run", "--model", models_root_ + "/" + kGoldenStrategy + "/1h_v1", "--data-dir", data_dir_,
                   "--symbol", golden.symbol, "--timeframe", golden.timeframe, "--start",
                   start.empty() ? golden.start_date : start, "--end", end.empty() ? golden.end_date : end,
                   "--mode", std::string(to_string(golden.mode)), "--output", out, "--quiet"},
                  dir_.str(), 60s);
  INFO("ktrdr-backtest run stderr: " << r.err);
  REQUIRE_MESSAGE(r.exit_code == 0, "ktrdr-backtest run exit code " << r.exit_code);
  return read_text_or_empty(out);
}

inline std::string compare_results(const std::string& a_json, const std::string& b_json) {
  const auto a = nlohmann::json::parse(a_json, nullptr, false);
  const auto b = nlohmann::json::parse(b_json, nullptr, false);
  if (a.is_discarded() || !a.is_object()) return "first result is not a JSON object";
  if (b.is_discarded() || !b.is_object()) return "second result is not a JSON object";
  // Wall-clock measurements differ from run to run; everything else must be identical.
  const std::set<std::string> skip = {"execution_time_seconds", "phase_seconds"};
  for (const char* key : {"metrics", "trades", "equity_curve"}) {
    if (!a.contains(key) || !b.contains(key)) return fmt::format("'{}' missing", key);
  }
  std::set<std::string> keys;
  for (const auto& [k, v] : a.items()) keys.insert(k);
  for (const auto& [k, v] : b.items()) keys.insert(k);
  for (const auto& k : keys) {
    if (skip.count(k)) continue;
    if (!a.contains(k) || !b.contains(k)) return fmt::format("'{}' present in only one result", k);
    if (a[k] == b[k]) continue;
    if (a[k].is_array() && b[k].is_array()) {
      if (a[k].size() != b[k].size()) {
        return fmt::format("'{}': {} vs {} entries", k, a[k].size(), b[k].size());
      }
      for (size_t i = 0; i < a[k].size(); ++i) {
        if (a[k][i] != b[k][i])
          return fmt::format("'{}'[{}]: {} vs {}", k, i, a[k][i].dump(), b[k][i].dump());
      }
    }
    return fmt::format("'{}': {} vs {}", k, a[k].dump().substr(0, 400), b[k].dump().substr(0, 400));
  }
  return "";
}

}  // namespace ktrdr::test
