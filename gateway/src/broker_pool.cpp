#include "ktrdr/gateway/broker_pool.h"

#include <fmt/format.h>

#include "ktrdr/common/log.h"

namespace ktrdr::gateway {

BrokerPool::BrokerPool(zmq::context_t& context, const client::ClientOptions& options, int connections)
    : endpoint_(options.broker),
      budget_(std::chrono::milliseconds(static_cast<int64_t>(options.timeout_ms) *
                                        (options.attempts < 1 ? 1 : options.attempts))) {
  for (int i = 0; i < connections; ++i)
    clients_.push_back(std::make_unique<client::BrokerClient>(context, options));
  // Thread start is a full memory barrier: each socket moves to its thread and stays there.
  for (auto& c : clients_) {
    threads_.emplace_back([this, client = c.get()](std::stop_token stop) { serve(*client, stop); });
  }
}

BrokerPool::~BrokerPool() {
  for (auto& t : threads_) t.request_stop();
  ready_.notify_all();
  threads_.clear();  // joins
  std::lock_guard lock(mutex_);
  for (auto& call : calls_) {
    call->reply.set_exception(std::make_exception_ptr(client::BrokerUnreachable("the gateway is stopping")));
  }
  calls_.clear();
}

proto::Reply BrokerPool::call_packed(proto::Command command, std::string body) {
  auto call = std::make_unique<Call>();
  call->command = command;
  call->body = std::move(body);
  call->queued_at = std::chrono::steady_clock::now();
  std::future<proto::Reply> reply = call->reply.get_future();
  {
    std::lock_guard lock(mutex_);
    calls_.push_back(std::move(call));
  }
  ready_.notify_one();
  return reply.get();  // the pool always answers: a reply, BrokerUnreachable or a decode error
}

BrokerPoolStats BrokerPool::stats() const {
  return {requests_.load(), unreachable_.load()};
}

void BrokerPool::serve(client::BrokerClient& client, std::stop_token stop) {
  while (true) {
    std::unique_ptr<Call> call;
    {
      std::unique_lock lock(mutex_);
      if (!ready_.wait(lock, stop, [this] { return !calls_.empty(); })) return;
      call = std::move(calls_.front());
      calls_.pop_front();
    }
    const auto waited = std::chrono::steady_clock::now() - call->queued_at;
    if (waited > budget_) {
      ++unreachable_;
      call->reply.set_exception(std::make_exception_ptr(client::BrokerUnreachable(fmt::format(
          "the broker at {} is not answering: this request waited {} ms for a connection (every one is "
          "busy waiting for replies); is ktrdr-broker running? (raise --broker-connections for more at once)",
          endpoint_, std::chrono::duration_cast<std::chrono::milliseconds>(waited).count()))));
      continue;
    }
    try {
      call->reply.set_value(client.call_packed(call->command, call->body));
      ++requests_;
    } catch (const client::BrokerUnreachable&) {
      ++unreachable_;
      call->reply.set_exception(std::current_exception());
    } catch (const std::exception& e) {
      log::warn("gateway: request {} to the broker failed: {}", proto::to_string(call->command), e.what());
      call->reply.set_exception(std::current_exception());
    }
  }
}

}  // namespace ktrdr::gateway
