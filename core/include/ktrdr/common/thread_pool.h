// A small fixed pool of threads owned by one run (never a process-wide global): `ThreadPool pool(n)` starts
// n - 1 workers, and the calling thread is the n-th while it waits in parallel_for. The destructor joins
// them.
//
// Contract of parallel_for(n, fn): fn(0) .. fn(n - 1) each run exactly once, on any of the pool's threads, in
// no particular order; the call returns when all have returned. Work that must give the same bits whatever
// the thread count must make each fn(i) independent of which thread runs it and when (no shared
// accumulators). If calls throw, the exception of the lowest i is rethrown after all have finished (so the
// error a user sees does not depend on scheduling). A parallel_for issued from inside a task, or while
// another thread's parallel_for holds the pool, runs its items on the calling thread, in order.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ktrdr {

class ThreadPool {
 public:
  // threads >= 1 (1 = everything runs on the caller, no thread is started). Throws ktrdr::Error on 0.
  explicit ThreadPool(unsigned threads);
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool();

  // Threads that run tasks, the caller of parallel_for included.
  unsigned size() const { return static_cast<unsigned>(workers_.size()) + 1; }
  void parallel_for(size_t n, const std::function<void(size_t)>& fn);

  // std::thread::hardware_concurrency(), at least 1.
  static unsigned hardware_threads();

 private:
  struct Batch;
  void worker_loop(std::stop_token stop);
  void run_items(Batch& batch);

  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::condition_variable done_;
  Batch* batch_ = nullptr;  // the parallel_for in progress, if any
  unsigned long long generation_ = 0;
  std::vector<std::jthread> workers_;
};

// Splits [0, n) into at most `parts` contiguous ranges of nearly equal length (the first n % parts ranges are
// one longer); range k is [bounds[k], bounds[k + 1]). Fewer ranges when n < parts; none when n == 0.
std::vector<size_t> split_evenly(size_t n, size_t parts);

}  // namespace ktrdr
