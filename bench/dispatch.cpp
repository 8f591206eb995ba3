// Broker dispatch benchmark: submit -> worker receives the job latency (p50/p99) and no-op jobs/s through the
// real broker loop (broker::Broker) and worker sessions (worker::WorkerSession) over inproc, ipc and loopback
// tcp. First line per transport: the bare ZeroMQ round-trip ceiling on this machine, for scale. Bench-only
// path: jobs are of type "noop" (the worker completes them at once); JobSpec.strategy carries the submit
// index so the worker can stamp the receive time.
//   bench_dispatch [--workers N] [--prefetch N] [--latency-jobs N] [--throughput-jobs N] [--no-sync]
//   [--transport T]
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "ktrdr/broker/broker.h"
#include "ktrdr/common/log.h"
#include "ktrdr/net/frames.h"
#include "ktrdr/worker/worker_session.h"

using namespace ktrdr;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

struct Stamps {
  std::vector<std::atomic<int64_t>> received;
  std::atomic<uint64_t> done{0};
  explicit Stamps(std::size_t n) : received(n) {}
};

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// Over ipc/tcp each component gets its own context (its own I/O thread), as separate processes would;
// inproc needs one shared context.
struct Run {
  zmq::context_t ctx{1};
  std::vector<std::unique_ptr<zmq::context_t>> worker_contexts;
  std::unique_ptr<zmq::context_t> client_context;
  std::filesystem::path dir;
  std::unique_ptr<broker::Broker> broker;
  std::atomic<bool> stop{false};
  std::thread broker_thread;
  std::vector<std::thread> worker_threads;
  Stamps* stamps = nullptr;

  Run(const std::string& transport, int workers, uint32_t prefetch, bool sync, Stamps& s) : stamps(&s) {
    const std::string tag = fmt::format("{}_{}", ::getpid(), std::random_device{}());
    dir = std::filesystem::temp_directory_path() / ("ktrdr_bench_dispatch_" + tag);
    broker::BrokerOptions o;
    auto ep = [&](const char* what) {
      if (transport == "inproc") return fmt::format("inproc://{}-{}", what, tag);
      if (transport == "ipc") return fmt::format("ipc://{}/{}.sock", dir.string(), what);
      return std::string("tcp://127.0.0.1:*");
    };
    std::filesystem::create_directories(dir);
    o.clients_endpoint = ep("clients");
    o.workers_endpoint = ep("workers");
    o.progress_in_endpoint = ep("pin");
    o.progress_out_endpoint = ep("pout");
    o.state_dir = (dir / "state").string();
    o.sync_writes = sync;
    o.max_terminal_in_memory = 200000;
    broker = std::make_unique<broker::Broker>(ctx, o);
    broker_thread = std::thread([this] {
      pthread_setname_np(pthread_self(), "bench-broker");
      broker->run(stop);
    });
    const bool shared = transport == "inproc";
    client_context = shared ? nullptr : std::make_unique<zmq::context_t>(1);
    for (int i = 0; i < workers; ++i) {
      zmq::context_t* wctx = &ctx;
      if (!shared) wctx = worker_contexts.emplace_back(std::make_unique<zmq::context_t>(1)).get();
      worker::WorkerSessionOptions w;
      w.broker_endpoint = broker->workers_endpoint();
      w.progress_endpoint = broker->progress_in_endpoint();
      w.worker_id = fmt::format("bench-{}", i);
      w.prefetch = prefetch;
      worker_threads.emplace_back([this, w, wctx] {
        pthread_setname_np(pthread_self(), "bench-worker");
        worker::WorkerSession session(*wctx, w, [this](worker::JobContext& jc) {
          const std::size_t idx = std::stoul(jc.job().job.strategy.substr(1));
          if (idx < stamps->received.size()) stamps->received[idx].store(now_ns());
          jc.result("{}", {});
          stamps->done.fetch_add(1);
        });
        session.run(stop);
      });
    }
    std::this_thread::sleep_for(300ms);  // workers register
  }
  zmq::context_t& client_ctx() { return client_context ? *client_context : ctx; }
  ~Run() {
    stop = true;
    for (auto& t : worker_threads) t.join();
    broker_thread.join();
    broker.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

proto::Frames start_frames(std::size_t idx) {
  proto::StartRequest r;
  r.job.job_type = "noop";
  r.job.strategy = fmt::format("b{}", idx);
  return proto::encode_client(proto::Command::kStart, idx, r);
}

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size())))];
}

void bench(const std::string& transport, int workers, uint32_t prefetch, std::size_t latency_jobs,
           std::size_t tput_jobs, bool sync) {
  // latency: one job in flight at a time
  {
    Stamps s(latency_jobs);
    Run run(transport, workers, prefetch, sync, s);
    zmq::socket_t client(run.client_ctx(), zmq::socket_type::dealer);
    client.set(zmq::sockopt::linger, 0);
    client.connect(run.broker->clients_endpoint());
    std::vector<double> lat_ms;
    proto::Frames reply;
    for (std::size_t i = 0; i < latency_jobs; ++i) {
      const int64_t t0 = now_ns();
      net::send_frames(client, start_frames(i));
      while (s.received[i].load() == 0) std::this_thread::yield();
      lat_ms.push_back(static_cast<double>(s.received[i].load() - t0) / 1e6);
      while (net::recv_frames(client, reply)) {
      }
      while (s.done.load() < i + 1) std::this_thread::yield();
    }
    std::printf(
        "%-6s sync=%d workers=%d prefetch=%u latency submit->worker: p50 %.3f ms  p99 %.3f ms  max %.3f ms "
        "(%zu jobs)\n",
        transport.c_str(), sync, workers, prefetch, pct(lat_ms, 50), pct(lat_ms, 99), pct(lat_ms, 100),
        latency_jobs);
  }
  // throughput: pipelined submissions, window of 2000 unanswered starts
  {
    Stamps s(tput_jobs);
    Run run(transport, workers, prefetch, sync, s);
    zmq::socket_t client(run.client_ctx(), zmq::socket_type::dealer);
    client.set(zmq::sockopt::linger, 0);
    client.set(zmq::sockopt::sndhwm, 0);
    client.set(zmq::sockopt::rcvhwm, 0);
    client.connect(run.broker->clients_endpoint());
    proto::Frames reply;
    std::size_t sent = 0, replies = 0;
    const auto t0 = Clock::now();
    const auto deadline = t0 + 120s;
    while (s.done.load() < tput_jobs && Clock::now() < deadline) {
      while (sent < tput_jobs && sent - replies < 2000) net::send_frames(client, start_frames(sent++));
      zmq::pollitem_t item{client.handle(), 0, ZMQ_POLLIN, 0};
      // Replies wake it; once all are in, only the workers' completion count is left to wait for.
      zmq::poll(&item, 1, replies < tput_jobs ? 20ms : 1ms);
      while (net::recv_frames(client, reply)) ++replies;
    }
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf(
        "%-6s sync=%d workers=%d prefetch=%u throughput: %llu no-op jobs in %.2f s = %.0f jobs/s "
        "(accepted+dispatched+completed)\n",
        transport.c_str(), sync, workers, prefetch, static_cast<unsigned long long>(s.done.load()), secs,
        static_cast<double>(s.done.load()) / secs);
  }
}

// The transport's own ceiling on this machine: a bare ROUTER and `workers` DEALERs echoing one-frame
// messages, no broker logic, no store. A dispatched job needs three such round trips (client <-> broker,
// broker <-> worker, worker loop <-> job thread), which bounds what the broker can reach.
void bench_ceiling(const std::string& transport, int workers, std::size_t round_trips) {
  const std::string tag = fmt::format("{}_{}", ::getpid(), std::random_device{}());
  const auto dir = std::filesystem::temp_directory_path() / ("ktrdr_bench_ceiling_" + tag);
  std::filesystem::create_directories(dir);
  const bool shared = transport == "inproc";
  zmq::context_t ctx(1);
  zmq::socket_t router(ctx, zmq::socket_type::router);
  router.set(zmq::sockopt::linger, 0);
  router.bind(transport == "inproc" ? "inproc://ceiling-" + tag
              : transport == "ipc"  ? "ipc://" + (dir / "ceiling.sock").string()
                                    : std::string("tcp://127.0.0.1:*"));
  const std::string endpoint = router.get(zmq::sockopt::last_endpoint);
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) {
    threads.emplace_back([&] {
      std::unique_ptr<zmq::context_t> own = shared ? nullptr : std::make_unique<zmq::context_t>(1);
      zmq::socket_t d(own ? *own : ctx, zmq::socket_type::dealer);
      d.set(zmq::sockopt::linger, 0);
      d.connect(endpoint);
      d.send(zmq::str_buffer("ready"), zmq::send_flags::none);
      zmq::message_t m;
      while (!stop.load()) {
        zmq::pollitem_t item{d.handle(), 0, ZMQ_POLLIN, 0};
        zmq::poll(&item, 1, 100ms);
        while (d.recv(m, zmq::recv_flags::dontwait)) d.send(zmq::str_buffer("done"), zmq::send_flags::none);
      }
    });
  }
  std::size_t done = 0;
  const auto t0 = Clock::now();
  zmq::message_t id, body;
  while (done < round_trips && Clock::now() - t0 < 60s) {
    zmq::pollitem_t item{router.handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, 100ms);
    while (router.recv(id, zmq::recv_flags::dontwait)) {
      (void)router.recv(body, zmq::recv_flags::none);
      ++done;
      router.send(id, zmq::send_flags::sndmore);
      router.send(zmq::str_buffer("job"), zmq::send_flags::none);
    }
  }
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  stop = true;
  for (auto& t : threads) t.join();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::printf("%-6s ceiling: bare ROUTER<->%d DEALER echo: %.0f round trips/s (a job needs 3)\n",
              transport.c_str(), workers, static_cast<double>(done) / secs);
}

}  // namespace

int main(int argc, char** argv) {
  int workers = 4;
  uint32_t prefetch = 1;
  std::size_t latency_jobs = 2000, tput_jobs = 20000;
  bool sync = true;
  std::vector<std::string> transports = {"inproc", "ipc", "tcp"};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--workers" && i + 1 < argc)
      workers = std::atoi(argv[++i]);
    else if (a == "--latency-jobs" && i + 1 < argc)
      latency_jobs = std::strtoul(argv[++i], nullptr, 10);
    else if (a == "--throughput-jobs" && i + 1 < argc)
      tput_jobs = std::strtoul(argv[++i], nullptr, 10);
    else if (a == "--prefetch" && i + 1 < argc)
      prefetch = static_cast<uint32_t>(std::strtoul(argv[++i], nullptr, 10));
    else if (a == "--no-sync")
      sync = false;
    else if (a == "--transport" && i + 1 < argc)
      transports = {argv[++i]};
    else {
      std::fprintf(stderr,
                   "usage: bench_dispatch [--workers N] [--prefetch N] [--latency-jobs N] [--throughput-jobs "
                   "N] [--no-sync] "
                   "[--transport inproc|ipc|tcp]\n");
      return 2;
    }
  }
  log::set_level(log::Level::kWarning);
  for (const std::string& t : transports) {
    if (t != "inproc" && t != "ipc" && t != "tcp") {
      std::fprintf(stderr, "--transport must be inproc, ipc or tcp (got %s)\n", t.c_str());
      return 2;
    }
    bench_ceiling(t, workers, 100000);
    bench(t, workers, prefetch, latency_jobs, tput_jobs, sync);
  }
  return 0;
}
