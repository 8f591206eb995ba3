// Frame encoding/decoding and body unpacking for the fleet protocol (messages.h). Never throws on bad input.
#include "ktrdr/proto/codec.h"

#include <charconv>
#include <ctime>

namespace ktrdr::proto {
namespace {

const std::string kVersionText = std::to_string(kProtocolVersion);

bool copy_everything(msgpack::type::object_type, std::size_t, void*) {
  return false;
}

Status check_small(std::string_view what, const std::string& frame) {
  if (frame.size() > kMaxSmallFrameBytes) {
    return Status::error(ErrorCode::kTooLarge, "{} frame is {} bytes (limit {})", what, frame.size(),
                         kMaxSmallFrameBytes);
  }
  return {};
}

// Frames F1 (signature), F2 (version), F3 (command) common to every role.
Status check_header(std::span<const std::string> f, std::size_t sig_index, std::string_view signature,
                    Command& command) {
  const std::string& sig = f[sig_index];
  if (sig != signature) {
    if (Status s = check_small("signature", sig); !s.ok()) return s;
    return Status::error(ErrorCode::kMalformed, "signature frame is \"{}\", expected \"{}\"", sig, signature);
  }
  const std::string& ver = f[sig_index + 1];
  if (ver != kVersionText) {
    if (Status s = check_small("version", ver); !s.ok()) return s;
    return Status::error(ErrorCode::kUnsupportedVersion,
                         "protocol version \"{}\" is not supported; this peer speaks version {}", ver,
                         kProtocolVersion);
  }
  const std::string& cmd = f[sig_index + 2];
  if (cmd.size() != 1) {
    return Status::error(ErrorCode::kMalformed, "command frame must be 1 byte (got {} bytes)", cmd.size());
  }
  auto value = static_cast<uint8_t>(cmd[0]);
  if (!is_known_command(value)) {
    return Status::error(ErrorCode::kUnknownCommand, "unknown command 0x{:02x}", value);
  }
  command = static_cast<Command>(value);
  return {};
}

Status check_body(const std::string& body) {
  if (body.size() > kMaxBodyBytes) {
    return Status::error(ErrorCode::kTooLarge, "body is {} bytes (limit {})", body.size(), kMaxBodyBytes);
  }
  return {};
}

}  // namespace

Status unpack_object(std::string_view body, msgpack::object_handle& out) {
  if (body.empty()) return Status::error(ErrorCode::kMalformed, "empty body (expected a msgpack map)");
  if (body.size() > kMaxBodyBytes) {
    return Status::error(ErrorCode::kTooLarge, "body is {} bytes (limit {})", body.size(), kMaxBodyBytes);
  }
  // Arrays/maps bounded so that a tiny body cannot expand into gigabytes of msgpack objects.
  const msgpack::unpack_limit limit(/*array=*/1u << 22, /*map=*/1u << 12, /*str=*/kMaxBodyBytes,
                                    /*bin=*/kMaxBodyBytes, /*ext=*/1u << 20, /*depth=*/16);
  try {
    std::size_t off = 0;
    out = msgpack::unpack(body.data(), body.size(), off, copy_everything, nullptr, limit);
    if (off != body.size()) {
      return Status::error(ErrorCode::kMalformed, "{} trailing bytes after the msgpack body",
                           body.size() - off);
    }
  } catch (const std::exception& e) {
    return Status::error(ErrorCode::kMalformed, "bad msgpack body ({} bytes): {}", body.size(), e.what());
  }
  return {};
}

Frames encode_client(Command command, uint64_t request_id, std::string body) {
  Frames f;
  f.reserve(6);
  f.emplace_back();
  f.emplace_back(kClientSignature);
  f.emplace_back(kVersionText);
  f.emplace_back(1, static_cast<char>(command));
  f.emplace_back(std::to_string(request_id));
  f.emplace_back(std::move(body));
  return f;
}

Frames encode_worker(Command command, std::string body) {
  Frames f;
  f.reserve(5);
  f.emplace_back();
  f.emplace_back(kWorkerSignature);
  f.emplace_back(kVersionText);
  f.emplace_back(1, static_cast<char>(command));
  f.emplace_back(std::move(body));
  return f;
}

Frames encode_pub(Command command, std::string_view topic, std::string body) {
  Frames f;
  f.reserve(5);
  f.emplace_back(topic);
  f.emplace_back(kProgressSignature);
  f.emplace_back(kVersionText);
  f.emplace_back(1, static_cast<char>(command));
  f.emplace_back(std::move(body));
  return f;
}

Status decode_client(std::span<const std::string> f, ClientMessage& out) {
  out = {};
  if (f.size() != 6)
    return Status::error(ErrorCode::kMalformed, "client message has {} frames, expected 6", f.size());
  if (!f[0].empty()) return Status::error(ErrorCode::kMalformed, "first frame must be the empty delimiter");
  // Read the request id first so that every later error can still be answered.
  const std::string& id = f[4];
  if (id.empty() || id.size() > 20) {
    return Status::error(ErrorCode::kMalformed,
                         "request id frame must be 1..20 decimal digits (got {} bytes)", id.size());
  }
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), out.request_id);
  if (ec != std::errc() || end != id.data() + id.size()) {
    out.request_id = 0;
    return Status::error(ErrorCode::kMalformed, "request id frame is not a decimal uint64");
  }
  if (Status s = check_header(f, 1, kClientSignature, out.command); !s.ok()) return s;
  if (Status s = check_body(f[5]); !s.ok()) return s;
  out.body = f[5];
  return {};
}

Status decode_worker(std::span<const std::string> f, WorkerMessage& out) {
  out = {};
  if (f.size() != 5)
    return Status::error(ErrorCode::kMalformed, "worker message has {} frames, expected 5", f.size());
  if (!f[0].empty()) return Status::error(ErrorCode::kMalformed, "first frame must be the empty delimiter");
  if (Status s = check_header(f, 1, kWorkerSignature, out.command); !s.ok()) return s;
  if (Status s = check_body(f[4]); !s.ok()) return s;
  out.body = f[4];
  return {};
}

Status decode_pub(std::span<const std::string> f, PubMessage& out) {
  out = {};
  if (f.size() != 5)
    return Status::error(ErrorCode::kMalformed, "pub message has {} frames, expected 5", f.size());
  if (f[0].size() > kMaxIdBytes) return Status::error(ErrorCode::kTooLarge, "topic is {} bytes", f[0].size());
  if (Status s = check_header(f, 1, kProgressSignature, out.command); !s.ok()) return s;
  if (out.command != Command::kProgress && out.command != Command::kOpEvent) {
    return Status::error(ErrorCode::kUnknownCommand, "command {} is not a pub message",
                         to_string(out.command));
  }
  if (Status s = check_body(f[4]); !s.ok()) return s;
  out.topic = f[0];
  out.body = f[4];
  return {};
}

bool is_client_request(Command c) {
  return static_cast<uint8_t>(c) >= static_cast<uint8_t>(Command::kStart) &&
         static_cast<uint8_t>(c) <= static_cast<uint8_t>(Command::kMetrics);
}
bool is_worker_to_broker(Command c) {
  switch (c) {
    case Command::kReady:
    case Command::kHeartbeat:
    case Command::kProgress:
    case Command::kCheckpoint:
    case Command::kResult:
    case Command::kFailure:
    case Command::kDisconnect:
      return true;
    default:
      return false;
  }
}
bool is_broker_to_worker(Command c) {
  return c == Command::kJob || c == Command::kHeartbeat || c == Command::kCancelJob ||
         c == Command::kDisconnect;
}

std::string make_op_id(int64_t now_ns, uint32_t random_bits) {
  const std::time_t secs = static_cast<std::time_t>(now_ns / 1000000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("op_backtesting_{:04d}{:02d}{:02d}_{:02d}{:02d}{:02d}_{:08x}", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, random_bits);
}

bool is_valid_op_id(std::string_view id) {
  constexpr std::string_view prefix = "op_backtesting_";
  // op_backtesting_ + 8 digits + _ + 6 digits + _ + 8 hex
  if (id.size() != prefix.size() + 8 + 1 + 6 + 1 + 8 || id.substr(0, prefix.size()) != prefix) return false;
  std::string_view rest = id.substr(prefix.size());
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const char c = rest[i];
    if (i == 8 || i == 15) {
      if (c != '_') return false;
    } else if (i < 15) {
      if (c < '0' || c > '9') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

bool is_safe_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxIdBytes || name == "." || name == "..") return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-' || c == ':' || c == '@';
    if (!ok) return false;
  }
  return true;
}

}  // namespace ktrdr::proto
