// Background WAL fsync for the broker's group commit (wal_syncer.h).
#include "ktrdr/broker/wal_syncer.h"

#include <pthread.h>

#include <chrono>
#include <random>

#include <fmt/format.h>

namespace ktrdr::broker {

WalSyncer::WalSyncer(zmq::context_t& context, JobStore& store)
    : store_(store), wakeup_(context, zmq::socket_type::pair), context_(context) {
  endpoint_ = fmt::format("inproc://ktrdr-wal-syncer-{}-{:08x}", static_cast<const void*>(this),
                          std::random_device{}());
  wakeup_.set(zmq::sockopt::linger, 0);
  wakeup_.bind(endpoint_);
  thread_ = std::thread([this] { run(); });
}

WalSyncer::~WalSyncer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

uint64_t WalSyncer::request() {
  uint64_t ticket;
  {
    std::lock_guard lock(mutex_);
    ticket = ++requested_;
  }
  cv_.notify_one();
  return ticket;
}

std::vector<WalSyncer::Done> WalSyncer::take_done() {
  zmq::message_t m;
  while (wakeup_.recv(m, zmq::recv_flags::dontwait)) {
  }
  std::lock_guard lock(mutex_);
  return std::exchange(done_, {});
}

std::vector<WalSyncer::Done> WalSyncer::wait_all(int timeout_ms) {
  std::vector<Done> all;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  uint64_t target;
  {
    std::lock_guard lock(mutex_);
    target = requested_;
  }
  while (true) {
    for (Done& d : take_done()) all.push_back(std::move(d));
    {
      std::lock_guard lock(mutex_);
      if (completed_ >= target) return all;
    }
    if (std::chrono::steady_clock::now() >= deadline) return all;
    zmq::pollitem_t item{wakeup_.handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, std::chrono::milliseconds(10));
  }
}

void WalSyncer::run() {
  pthread_setname_np(pthread_self(), "ktrdr-walsync");  // visible in top -H, perf, gdb
  zmq::socket_t notify(context_, zmq::socket_type::pair);
  notify.set(zmq::sockopt::linger, 0);
  notify.connect(endpoint_);
  std::unique_lock lock(mutex_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || requested_ > started_; });
    if (requested_ == started_) return;  // stopping, nothing left to sync
    // Every batch written before request() returned `ticket` is in the WAL file already: one fsync
    // covers them all, however many requests arrived meanwhile.
    const uint64_t ticket = requested_;
    started_ = ticket;
    lock.unlock();
    StoreStatus status = store_.sync_wal();
    lock.lock();
    done_.push_back(Done{ticket, std::move(status)});
    completed_ = ticket;
    (void)notify.send(zmq::const_buffer("", 0), zmq::send_flags::dontwait);
  }
}

}  // namespace ktrdr::broker
