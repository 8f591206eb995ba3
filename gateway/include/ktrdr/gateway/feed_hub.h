// The broker's progress feed inside the gateway: one SUB socket (subscribed to everything) on one thread,
// fanned out in-process to the Server-Sent-Event streams (FeedSubscription, filtered by operation id) and
// summarised for /metrics (latest progress per running operation, bars/s, counters). A subscriber that
// reads too slowly loses its oldest events (bounded queue), never the hub's.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "ktrdr/client/progress_feed.h"

namespace ktrdr::gateway {

class FeedSubscription {
 public:
  FeedSubscription(std::string op_id, std::size_t capacity) : op_id_(std::move(op_id)), capacity_(capacity) {}

  // Waits up to `timeout` for events; returns those queued (empty on timeout or once closed).
  std::vector<client::FeedEvent> wait(std::chrono::milliseconds timeout);
  bool closed() const;
  uint64_t dropped() const;
  const std::string& op_id() const { return op_id_; }  // "" = every operation

  // Hub side.
  void push(const client::FeedEvent& event);
  void close();

 private:
  const std::string op_id_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<client::FeedEvent> queue_;
  uint64_t dropped_ = 0;
  bool closed_ = false;
};

struct FeedStats {
  uint64_t progress_messages = 0;         // Progress snapshots received
  std::array<uint64_t, 6> transitions{};  // OpEvents received, by OpState value
  uint64_t dropped_messages = 0;          // malformed feed messages
  uint64_t bars_processed = 0;            // bars advanced by backtests (snapshots, completions; see OpTrack)
  double bars_per_second = 0.0;    // sum over operations whose last snapshot is recent and not terminal
  uint64_t active_operations = 0;  // operations counted in bars_per_second
  uint64_t subscriptions = 0;      // open event streams
};

class FeedHub {
 public:
  // Connects the SUB socket to `endpoint` (bad endpoint: ktrdr::Error) and starts the reading thread.
  FeedHub(zmq::context_t& context, const std::string& endpoint);
  ~FeedHub();  // closes every subscription, joins the thread
  FeedHub(const FeedHub&) = delete;
  FeedHub& operator=(const FeedHub&) = delete;

  // Events for `op_id` ("" = all) from now on. The stream holds at most `capacity` unread events.
  std::shared_ptr<FeedSubscription> subscribe(const std::string& op_id, std::size_t capacity = 1024);
  void unsubscribe(const std::shared_ptr<FeedSubscription>& subscription);

  FeedStats stats() const;
  // Snapshots older than this no longer count as running in bars_per_second.
  static constexpr std::chrono::seconds kActiveWindow{5};

 private:
  // Bars are counted from successive snapshots of one attempt. The first snapshot of an attempt counts from
  // bar 0 when the hub saw the operation start afresh (pending -> running), else (resumed from a
  // checkpoint, or already running when the gateway started) it only sets the baseline. Completion adds the
  // bars after the last snapshot (workers publish at most 10 snapshots a second, none at the very end).
  struct OpTrack {
    uint32_t attempt = 0;
    bool has_snapshot = false;  // a snapshot of the current attempt arrived
    bool fresh_start = false;   // the hub saw the operation go pending -> running
    bool resumed = false;       // the hub saw it resuming (its next attempt starts from a checkpoint)
    uint64_t bars_done = 0;
    uint64_t bars_total = 0;
    double bars_per_second = 0.0;
    std::chrono::steady_clock::time_point seen;
  };
  void run(std::stop_token stop);
  void record(const client::FeedEvent& event);

  std::unique_ptr<client::ProgressFeed> feed_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<FeedSubscription>> subscriptions_;
  std::map<std::string, OpTrack> tracks_;
  FeedStats counters_;
  std::chrono::steady_clock::time_point last_prune_{};
  std::jthread thread_;  // last: stopped and joined first
};

}  // namespace ktrdr::gateway
