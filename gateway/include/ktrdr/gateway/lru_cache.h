// A thread-safe least-recently-used cache with a cost budget (bytes, or 1 per entry). Finished results
// never change, so the gateway keeps the ones the dashboard just asked for instead of fetching a large
// result from the broker once per chart, table and summary request. Values are shared_ptr<const V>: a
// caller keeps its copy alive after eviction.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace ktrdr::gateway {

template <typename V>
class LruCache {
 public:
  explicit LruCache(std::size_t budget) : budget_(budget) {}

  std::shared_ptr<const V> get(const std::string& key) {
    std::lock_guard lock(mutex_);
    const auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->value;
  }

  // Inserts (or replaces) `key`; evicts the least recently used entries until the total cost fits. An entry
  // costing more than the whole budget is not kept.
  void put(const std::string& key, std::shared_ptr<const V> value, std::size_t cost) {
    std::lock_guard lock(mutex_);
    if (const auto it = index_.find(key); it != index_.end()) erase(it->second);
    if (cost > budget_) return;
    order_.push_front(Entry{key, std::move(value), cost});
    index_[key] = order_.begin();
    used_ += cost;
    while (used_ > budget_) erase(std::prev(order_.end()));
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return index_.size();
  }
  std::size_t used() const {
    std::lock_guard lock(mutex_);
    return used_;
  }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const V> value;
    std::size_t cost;
  };
  using Iterator = typename std::list<Entry>::iterator;
  void erase(Iterator it) {
    used_ -= it->cost;
    index_.erase(it->key);
    order_.erase(it);
  }

  const std::size_t budget_;
  mutable std::mutex mutex_;
  std::list<Entry> order_;  // most recent first
  std::unordered_map<std::string, Iterator> index_;
  std::size_t used_ = 0;
};

}  // namespace ktrdr::gateway
