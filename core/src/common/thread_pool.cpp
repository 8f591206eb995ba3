#include "ktrdr/common/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <limits>

#include "ktrdr/common/error.h"

namespace ktrdr {

struct ThreadPool::Batch {
  size_t n = 0;
  const std::function<void(size_t)>* fn = nullptr;
  std::atomic<size_t> next{0};
  unsigned active = 0;  // workers inside run_items (guarded by the pool's mutex)
  std::mutex error_mutex;
  size_t error_index = std::numeric_limits<size_t>::max();
  std::exception_ptr error;
};

ThreadPool::ThreadPool(unsigned threads) {
  KTRDR_REQUIRE(threads >= 1, "thread count must be >= 1 (got {})", threads);
  workers_.reserve(threads - 1);
  for (unsigned i = 1; i < threads; ++i)
    workers_.emplace_back([this](std::stop_token stop) { worker_loop(stop); });
}

ThreadPool::~ThreadPool() {
  for (auto& w : workers_) w.request_stop();
  wake_.notify_all();
  workers_.clear();  // joins
}

unsigned ThreadPool::hardware_threads() {
  return std::max(1u, std::thread::hardware_concurrency());
}

void ThreadPool::run_items(Batch& batch) {
  for (;;) {
    const size_t i = batch.next.fetch_add(1);
    if (i >= batch.n) return;
    try {
      (*batch.fn)(i);
    } catch (...) {
      const std::lock_guard lock(batch.error_mutex);
      if (i < batch.error_index) {
        batch.error_index = i;
        batch.error = std::current_exception();
      }
    }
  }
}

void ThreadPool::worker_loop(std::stop_token stop) {
  unsigned long long seen = 0;
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!wake_.wait(lock, stop, [&] { return batch_ != nullptr && generation_ != seen; })) return;
    seen = generation_;
    Batch* batch = batch_;
    ++batch->active;
    lock.unlock();
    run_items(*batch);
    lock.lock();
    if (--batch->active == 0) done_.notify_all();
  }
}

void ThreadPool::parallel_for(size_t n, const std::function<void(size_t)>& fn) {
  if (n == 0) return;
  Batch batch;
  batch.n = n;
  batch.fn = &fn;
  bool shared = false;
  if (!workers_.empty() && n > 1) {
    const std::lock_guard lock(mutex_);
    if (batch_ == nullptr) {  // else: nested or concurrent use, run on this thread
      batch_ = &batch;
      ++generation_;
      shared = true;
    }
  }
  if (shared) wake_.notify_all();
  run_items(batch);
  if (shared) {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return batch.active == 0; });
    batch_ = nullptr;
  }
  if (batch.error) std::rethrow_exception(batch.error);
}

std::vector<size_t> split_evenly(size_t n, size_t parts) {
  std::vector<size_t> bounds;
  if (n == 0) return bounds;
  parts = std::clamp<size_t>(parts, 1, n);
  bounds.reserve(parts + 1);
  const size_t base = n / parts, extra = n % parts;
  size_t at = 0;
  bounds.push_back(at);
  for (size_t k = 0; k < parts; ++k) {
    at += base + (k < extra ? 1 : 0);
    bounds.push_back(at);
  }
  return bounds;
}

}  // namespace ktrdr
