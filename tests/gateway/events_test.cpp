// Live progress as Server-Sent Events (bridged from the broker's progress feed), and cancel/resume through
// the REST API, with real processes.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "fleet/throttle.h"
#include "gateway_fleet.h"

using namespace ktrdr::test;
using nlohmann::json;

namespace {

struct SseEvent {
  std::string event;
  json data;
};

// Reads one SSE response on its own thread; `events()` is what has arrived so far, `ended()` whether the
// server closed the stream.
class SseReader {
 public:
  SseReader(const GatewayFleet& f, std::string path) : client_(f.client(60s)), path_(std::move(path)) {
    thread_ = std::jthread([this] {
      auto r = client_->Get(path_.c_str(), [this](const char* data, size_t n) {
        std::lock_guard lock(mutex_);
        buffer_.append(data, n);
        for (std::size_t end; (end = buffer_.find("\n\n")) != std::string::npos; buffer_.erase(0, end + 2)) {
          SseEvent ev;
          std::size_t pos = 0;
          const std::string block = buffer_.substr(0, end);
          while (pos < block.size()) {
            const std::size_t eol = std::min(block.find('\n', pos), block.size());
            const std::string line = block.substr(pos, eol - pos);
            if (line.rfind("event: ", 0) == 0) ev.event = line.substr(7);
            if (line.rfind("data: ", 0) == 0) ev.data = json::parse(line.substr(6), nullptr, false);
            pos = eol + 1;
          }
          if (!ev.event.empty()) events_.push_back(ev);
        }
        return !stop_.load();
      });
      std::lock_guard lock(mutex_);
      status_ = r ? r->status : 0;
      content_type_ = r ? r->get_header_value("Content-Type") : "";
      ended_ = true;
    });
  }
  ~SseReader() { stop_ = true; }

  std::vector<SseEvent> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  bool ended() {
    std::lock_guard lock(mutex_);
    return ended_;
  }
  int status() {
    std::lock_guard lock(mutex_);
    return status_;
  }
  std::string content_type() {
    std::lock_guard lock(mutex_);
    return content_type_;
  }
  // Waits until pred(events) or the deadline.
  template <typename Pred>
  bool wait(Pred pred, std::chrono::milliseconds timeout = 60s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred(events())) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  void join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::unique_ptr<httplib::Client> client_;
  std::string path_;
  std::mutex mutex_;
  std::string buffer_;
  std::vector<SseEvent> events_;
  bool ended_ = false;
  int status_ = 0;
  std::string content_type_;
  std::atomic<bool> stop_{false};
  std::jthread thread_;  // last: joined first
};

bool has_status(const std::vector<SseEvent>& evs, const std::string& op, const std::string& status) {
  for (const auto& e : evs) {
    if (e.event == "status" && e.data.value("operation_id", "") == op && e.data.value("status", "") == status)
      return true;
  }
  return false;
}

}  // namespace

TEST_CASE("server-sent events: a running job's progress arrives live and its stream ends when it does") {
  if (auto m = missing_gateway_binary(); !m.empty()) KTRDR_SKIP(m << " is not built");
  GatewayFleet f(checkpointing_long_runs(1000));
  f.start_broker();
  f.start_worker("w1");
  f.start_gateway();
  SseReader all(f, "/api/v1/events");                       // every operation, opened before the job exists
  REQUIRE(f.wait_metric("ktrdr_gateway_event_streams 1"));  // subscribed before the job is submitted

  Throttle slow(f.worker("w1").pid(), 10ms, 30ms);  // ~4x slower, so the job is seen mid-run
  const std::string op = f.start_http_backtest(f.last_data_timestamp());
  const json running = f.wait_http(op, [](const json& d) {
    return d.value("status", "") == "running" && d["progress"].value("items_processed", 0) > 0;
  });
  REQUIRE_MESSAGE(running.value("status", "") == "running", running.dump() << f.logs());
  slow.freeze();  // certainly mid-run while the one-operation stream opens
  SseReader one(f, "/api/v1/operations/" + op + "/events");
  REQUIRE(one.wait([](const auto& evs) { return !evs.empty(); }, 5s));
  slow.thaw();

  REQUIRE(one.wait([&](const auto& evs) { return has_status(evs, op, "completed"); }));
  const auto evs = one.events();
  // the first event is the current state, running, with its progress
  REQUIRE(!evs.empty());
  CHECK(evs.front().event == "status");
  CHECK(evs.front().data["status"] == "running");
  CHECK(evs.front().data["progress"]["items_processed"].get<int>() > 0);
  // then progress snapshots of this job, percentage never going back, before the final state
  std::vector<double> pct;
  for (std::size_t i = 1; i < evs.size(); ++i) {
    if (evs[i].event != "progress") continue;
    CHECK(evs[i].data["operation_id"] == op);
    CHECK(evs[i].data["worker_id"] == "w1");
    CHECK(evs[i].data["bars_total"].get<int>() > 0);
    pct.push_back(evs[i].data["percentage"].get<double>());
  }
  CHECK_MESSAGE(pct.size() >= 2, "progress events: " << pct.size());
  CHECK(std::is_sorted(pct.begin(), pct.end()));
  CHECK(pct.back() > pct.front());
  CHECK(evs.back().event == "status");
  CHECK(evs.back().data["status"] == "completed");
  // the server ends a one-operation stream after the final state
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!one.ended() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
  CHECK(one.ended());
  CHECK(one.status() == 200);
  CHECK(one.content_type() == "text/event-stream");

  // the all-operations stream saw the same job from its acceptance to its end
  REQUIRE(all.wait([&](const auto& e) { return has_status(e, op, "completed"); }, 10s));
  const auto every = all.events();
  CHECK(has_status(every, op, "pending"));
  CHECK(has_status(every, op, "running"));
  std::size_t progress = 0;
  for (const auto& e : every)
    progress += e.event == "progress" && e.data.value("operation_id", "") == op ? 1 : 0;
  CHECK(progress >= pct.size());
  CHECK_FALSE(all.ended());

  // a finished operation's stream is its final state, then the end
  SseReader after(f, "/api/v1/operations/" + op + "/events");
  after.join();
  REQUIRE(after.events().size() == 1);
  CHECK(after.events()[0].data["status"] == "completed");
  CHECK(after.events()[0].data["progress"]["percentage"] == 100.0);
}

TEST_CASE(
    "cancel and resume through the REST API: the resumed job gives the uninterrupted run's "
    "result") {
  if (auto m = missing_gateway_binary(); !m.empty()) KTRDR_SKIP(m << " is not built");
  GatewayFleet f(checkpointing_long_runs(1000));
  f.start_broker();
  f.start_worker("w1");
  f.start_gateway();
  Throttle slow(f.worker("w1").pid(), 10ms, 30ms);
  const std::string op = f.start_http_backtest(f.last_data_timestamp());
  const json running = f.wait_http(op, [](const json& d) {
    return d.value("status", "") == "running" && d.value("checkpoint_bar", 0) > 0;
  });
  REQUIRE_MESSAGE(running.value("status", "") == "running", running.dump() << f.logs());
  slow.freeze();
  const HttpReply cancel = f.del("/api/v1/operations/" + op, R"({"reason": "from the test"})");
  slow.thaw();
  INFO(cancel.body);
  REQUIRE(cancel.status == 200);
  const json c = cancel.json();
  CHECK(c["success"] == true);
  CHECK(c["data"]["operation_id"] == op);
  CHECK(c["data"]["status"] == "cancelled");
  CHECK(c["data"]["cancellation_reason"] == "from the test");
  CHECK(c["data"]["cancelled_at"].is_string());
  const json cancelled = f.wait_finished(op);
  CHECK(cancelled["status"] == "cancelled");
  CHECK(cancelled["error_message"] == "cancelled: from the test");
  // a cancelled operation has no results (400), and cannot be cancelled into another state
  CHECK(f.get("/api/v1/operations/" + op + "/results").status == 400);

  const HttpReply resume = f.post("/api/v1/operations/" + op + "/resume", "");
  INFO(resume.body);
  REQUIRE(resume.status == 200);
  const json r = resume.json();
  CHECK(r["success"] == true);
  CHECK(r["data"]["operation_id"] == op);
  CHECK(r["data"]["status"] == "resuming");
  const json done = f.wait_finished(op);
  REQUIRE_MESSAGE(done.value("status", "") == "completed", done.dump() << f.logs());
  CHECK(compare_results(f.get("/api/v1/operations/" + op + "/results/full").body,
                        f.local_run("", f.last_data_timestamp())) == "");
  // completed: no second resume (409, the reference's conflict), no cancel (400)
  CHECK(f.post("/api/v1/operations/" + op + "/resume", "").status == 409);
  const HttpReply late_cancel = f.del("/api/v1/operations/" + op);
  CHECK(late_cancel.status == 400);
  CHECK(late_cancel.json()["detail"] == "operation " + op + " is already completed");
}
