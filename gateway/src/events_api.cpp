// Server-Sent Events bridged from the broker's progress feed (FeedHub): `event: progress` (a worker's
// snapshot) and `event: status` (a state change), `data:` one JSON object, `id:` a per-stream counter,
// and a `: keep-alive` comment every few seconds of silence (which also finds closed connections).
#include <fmt/format.h>

#include "gateway_impl.h"
#include "ktrdr/client/json_view.h"
#include "ktrdr/common/log.h"
#include "ktrdr/gateway/api_error.h"
#include "ktrdr/gateway/operation_json.h"

namespace ktrdr::gateway {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kKeepAlive = std::chrono::seconds(5);
constexpr auto kWaitSlice = std::chrono::milliseconds(500);

std::string sse(uint64_t id, const char* event, const nlohmann::json& data) {
  return fmt::format("id: {}\nevent: {}\ndata: {}\n\n", id, event, data.dump());
}

}  // namespace

void Gateway::Impl::operation_events(const Request& req, Response& res) {
  const std::string op_id = req.matches[1];
  // Subscribe before asking for the current state, so that no event falls between the two.
  auto stream = open_stream(op_id);
  try {
    const proto::Reply reply = broker.call(proto::Command::kStatus, proto::StatusRequest{op_id});
    throw_if_error(reply, op_id);
    if (reply.operations.empty()) throw ApiError(404, fmt::format("Operation not found: {}", op_id));
    const proto::OperationInfo& op = reply.operations.front();
    nlohmann::json initial =
        client::to_json(proto::OpEvent{op.op_id, op.state, op.worker_id, "current state", 0});
    initial["timestamp"] = client::time_or_null(wall_now_ns());
    initial["progress"] = progress_json(op);
    stream->pending = sse(0, "status", initial);
    stream->end_on_terminal = true;
    stream->ending = proto::is_terminal(op.state);
  } catch (...) {
    close_stream(*stream);
    throw;
  }
  serve_stream(res, stream);
}

void Gateway::Impl::all_events(const Request& req, Response& res) {
  serve_stream(res, open_stream(req.has_param("operation_id") ? req.get_param_value("operation_id") : ""));
}

std::shared_ptr<EventStream> Gateway::Impl::open_stream(const std::string& op_id) {
  if (event_streams.fetch_add(1) >= options.max_event_streams) {
    --event_streams;
    throw ApiError(503,
                   fmt::format("too many event streams are open ({}); close one or raise --max-event-streams",
                               options.max_event_streams));
  }
  auto stream = std::make_shared<EventStream>();
  stream->subscription = feed.subscribe(op_id);
  return stream;
}

void Gateway::Impl::close_stream(EventStream& stream) {
  feed.unsubscribe(stream.subscription);
  --event_streams;
}

void Gateway::Impl::serve_stream(Response& res, std::shared_ptr<EventStream> stream) {
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider(
      "text/event-stream",
      [stream](size_t, httplib::DataSink& sink) {
        EventStream& s = *stream;
        auto write = [&](const std::string& text) {
          s.last_write = Clock::now();
          return sink.write(text.data(), text.size());
        };
        if (!s.pending.empty()) {
          const std::string text = std::move(s.pending);
          s.pending.clear();
          return write(text);
        }
        if (s.ending) {
          sink.done();
          return true;
        }
        const auto events = s.subscription->wait(kWaitSlice);
        if (s.subscription->closed()) {  // the gateway is stopping
          sink.done();
          return true;
        }
        std::string out;
        for (const auto& ev : events) {
          if (ev.command == proto::Command::kProgress) {
            out += sse(s.next_id++, "progress", client::to_json(ev.progress));
          } else {
            out += sse(s.next_id++, "status", client::to_json(ev.event));
            if (s.end_on_terminal && proto::is_terminal(ev.event.state)) {
              s.ending = true;
              break;
            }
          }
        }
        if (out.empty() && Clock::now() - s.last_write >= kKeepAlive) out = ": keep-alive\n\n";
        return out.empty() || write(out);
      },
      [this, stream](bool) { close_stream(*stream); });
}

}  // namespace ktrdr::gateway
