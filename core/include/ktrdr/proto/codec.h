// Encode/decode of the frames and bodies defined in messages.h. Never throws on bad input: every decoder
// returns a Status (code + message naming the bad value). Frames are plain byte strings (no zmq types here);
// ktrdr/net/frames.h moves them over sockets.
#pragma once

#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "ktrdr/proto/messages.h"

namespace ktrdr::proto {

using Frames = std::vector<std::string>;

struct Status {
  ErrorCode code = ErrorCode::kOk;
  std::string message;
  bool ok() const { return code == ErrorCode::kOk; }
  static Status success() { return {}; }
  template <typename... Args>
  static Status error(ErrorCode c, fmt::format_string<Args...> f, Args&&... args) {
    return Status{c, fmt::format(f, std::forward<Args>(args)...)};
  }
};

// ---- bodies ----------------------------------------------------------------------------------------------
template <typename T>
std::string pack(const T& body) {
  msgpack::sbuffer buf;
  msgpack::pack(buf, body);
  return std::string(buf.data(), buf.size());
}

// Unpacks one msgpack object with size/depth limits (kMaxBodyBytes); internal helper of unpack().
Status unpack_object(std::string_view body, msgpack::object_handle& out);

// Field checks for each message (sizes, id formats, enum ranges); the message names the field and value.
Status validate(const JobSpec& m);
Status validate(const StartRequest& m);
Status validate(const ResumeRequest& m);
Status validate(const StatusRequest& m);
Status validate(const ListRequest& m);
Status validate(const CancelRequest& m);
Status validate(const ResultsRequest& m);
Status validate(const Reply& m);
Status validate(const WorkerReady& m);
Status validate(const Job& m);
Status validate(const Heartbeat& m);
Status validate(const Progress& m);
Status validate(const Checkpoint& m);
Status validate(const JobResult& m);
Status validate(const JobFailure& m);
Status validate(const Disconnect& m);
Status validate(const CancelJob& m);
Status validate(const OpEvent& m);
Status validate(const OperationInfo& m);

// Decodes a msgpack map into T and validates it. kMalformed on bad msgpack / wrong types.
template <typename T>
Status unpack(std::string_view body, T& out) {
  msgpack::object_handle oh;
  if (Status s = unpack_object(body, oh); !s.ok()) return s;
  if (oh.get().type != msgpack::type::MAP) {
    return Status::error(ErrorCode::kMalformed, "body is not a msgpack map (type {})",
                         static_cast<int>(oh.get().type));
  }
  try {
    oh.get().convert(out);
  } catch (const BadFieldValue& e) {  // a well-formed body with an unknown enum text (mode, reason)
    return Status::error(ErrorCode::kBadRequest, "{}", e.what());
  } catch (const std::exception& e) {
    return Status::error(ErrorCode::kMalformed, "body does not match the message fields: {}", e.what());
  }
  return validate(out);
}

// ---- frames ----------------------------------------------------------------------------------------------
// All decoders take the frames starting at the empty delimiter (a ROUTER strips its routing id first).
struct ClientMessage {
  Command command = Command::kReply;
  uint64_t request_id = 0;
  std::string_view body;  // points into the decoded frames
};
struct WorkerMessage {
  Command command = Command::kHeartbeat;
  std::string_view body;
};
struct PubMessage {
  std::string_view topic;  // op id
  Command command = Command::kProgress;
  std::string_view body;
};

Frames encode_client(Command command, uint64_t request_id, std::string body);
template <typename T>
Frames encode_client(Command command, uint64_t request_id, const T& body) {
  return encode_client(command, request_id, pack(body));
}
inline Frames encode_reply(uint64_t request_id, const Reply& reply) {
  return encode_client(Command::kReply, request_id, pack(reply));
}
Frames encode_worker(Command command, std::string body);
template <typename T>
Frames encode_worker(Command command, const T& body) {
  return encode_worker(command, pack(body));
}
Frames encode_pub(Command command, std::string_view topic, std::string body);
inline Frames encode_progress(const Progress& p) {
  return encode_pub(Command::kProgress, p.op_id, pack(p));
}
inline Frames encode_op_event(const OpEvent& e) {
  return encode_pub(Command::kOpEvent, e.op_id, pack(e));
}

// On error, `out.request_id` is still filled when frame F4 could be read (so the broker can reply).
Status decode_client(std::span<const std::string> frames, ClientMessage& out);
Status decode_worker(std::span<const std::string> frames, WorkerMessage& out);
Status decode_pub(std::span<const std::string> frames, PubMessage& out);

// Which commands a role may send.
bool is_client_request(Command c);  // kStart..kResults
bool is_worker_to_broker(
    Command c);  // kReady, kHeartbeat, kProgress, kCheckpoint, kResult, kFailure, kDisconnect
bool is_broker_to_worker(Command c);  // kJob, kHeartbeat, kCancelJob, kDisconnect

// ---- ids -------------------------------------------------------------------------------------------------
// op_backtesting_YYYYmmdd_HHMMSS_<8 lowercase hex>, from a Unix-epoch ns time and 32 random bits.
std::string make_op_id(int64_t now_ns, uint32_t random_bits);
bool is_valid_op_id(std::string_view id);
// Worker ids and symbol-like names: 1..kMaxIdBytes of [A-Za-z0-9._:@-], not "." or "..".
bool is_safe_name(std::string_view name);

}  // namespace ktrdr::proto
