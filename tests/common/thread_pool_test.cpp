#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "ktrdr/common/error.h"
#include "ktrdr/common/thread_pool.h"

using namespace ktrdr;

TEST_CASE("thread pool: every item runs exactly once, for any pool size") {
  for (unsigned threads : {1u, 2u, 4u}) {
    CAPTURE(threads);
    ThreadPool pool(threads);
    CHECK(pool.size() == threads);
    for (size_t n : {size_t{0}, size_t{1}, size_t{3}, size_t{1000}}) {
      CAPTURE(n);
      std::vector<std::atomic<int>> runs(n);
      pool.parallel_for(n, [&](size_t i) { runs[i].fetch_add(1); });
      for (size_t i = 0; i < n; ++i) CHECK(runs[i].load() == 1);
    }
  }
  CHECK_THROWS_WITH_AS(ThreadPool(0), "thread count must be >= 1 (got 0)", Error);
}

TEST_CASE("thread pool: items run on several threads at once") {
  ThreadPool pool(2);
  // Both items wait until both have started: only possible when two threads run them (bounded: 10 s).
  std::atomic<int> started{0};
  std::atomic<bool> met{true};
  std::set<std::thread::id> ids;
  std::mutex ids_mutex;
  pool.parallel_for(2, [&](size_t) {
    {
      const std::lock_guard lock(ids_mutex);
      ids.insert(std::this_thread::get_id());
    }
    started.fetch_add(1);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (started.load() < 2) {
      if (std::chrono::steady_clock::now() > deadline) {
        met = false;
        return;
      }
      std::this_thread::yield();
    }
  });
  CHECK(met.load());
  CHECK(ids.size() == 2);
}

TEST_CASE("thread pool: the lowest failing item's exception is rethrown after all items ran") {
  ThreadPool pool(3);
  std::atomic<int> ran{0};
  auto body = [&](size_t i) {
    ran.fetch_add(1);
    if (i == 7 || i == 3 || i == 90) throw Error("item " + std::to_string(i));
  };
  CHECK_THROWS_WITH_AS(pool.parallel_for(100, body), "item 3", Error);
  CHECK(ran.load() == 100);
  // the pool still works afterwards
  std::atomic<size_t> sum{0};
  pool.parallel_for(10, [&](size_t i) { sum.fetch_add(i); });
  CHECK(sum.load() == 45);
}

TEST_CASE("thread pool: a parallel_for inside a task runs on the calling thread, in order") {
  ThreadPool pool(2);
  std::vector<std::vector<size_t>> order(4);
  pool.parallel_for(4, [&](size_t i) {
    const auto me = std::this_thread::get_id();
    pool.parallel_for(5, [&, i](size_t k) {
      CHECK(std::this_thread::get_id() == me);
      order[i].push_back(k);
    });
  });
  for (const auto& o : order) CHECK(o == std::vector<size_t>{0, 1, 2, 3, 4});
}

TEST_CASE("split_evenly: contiguous ranges, the first n % parts one longer") {
  CHECK(split_evenly(10, 3) == std::vector<size_t>{0, 4, 7, 10});
  CHECK(split_evenly(2, 4) == std::vector<size_t>{0, 1, 2});
  CHECK(split_evenly(5, 1) == std::vector<size_t>{0, 5});
  CHECK(split_evenly(5, 0) == std::vector<size_t>{0, 5});
  CHECK(split_evenly(0, 4).empty());
}
