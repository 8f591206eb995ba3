// Field checks for every protocol message (codec.h validate()): sizes, id formats, enum ranges.
// Messages name the field, the bad value and what is expected.
#include <algorithm>
#include <cmath>

#include "ktrdr/proto/codec.h"

namespace ktrdr::proto {
namespace {

constexpr std::size_t kMaxTextBytes = 4096;

Status bad(std::string_view field, std::string_view why) {
  return Status::error(ErrorCode::kBadRequest, "{}: {}", field, why);
}

Status check_op_id(std::string_view field, const std::string& id, bool allow_empty = false) {
  if (id.empty() && allow_empty) return {};
  if (!is_valid_op_id(id)) {
    return Status::error(ErrorCode::kBadRequest,
                         "{} \"{}\" is not an operation id (expected op_backtesting_YYYYmmdd_HHMMSS_<8 hex>)",
                         field, id.substr(0, 64));
  }
  return {};
}

Status check_text(std::string_view field, const std::string& s, std::size_t limit = kMaxTextBytes) {
  if (s.size() > limit)
    return Status::error(ErrorCode::kBadRequest, "{} is {} bytes (limit {})", field, s.size(), limit);
  return {};
}

Status check_name(std::string_view field, const std::string& s, bool allow_empty) {
  if (s.empty() && allow_empty) return {};
  if (!is_safe_name(s)) {
    return Status::error(ErrorCode::kBadRequest, "{} \"{}\" must be 1..{} characters of [A-Za-z0-9._:@-]",
                         field, s.substr(0, 64), kMaxIdBytes);
  }
  return {};
}

bool valid_state(OpState s) {
  return static_cast<uint8_t>(s) <= static_cast<uint8_t>(OpState::kResuming);
}
bool valid_code(ErrorCode c) {
  return to_string(c) != "unknown";
}

#define KTRDR_TRY(expr)                          \
  do {                                           \
    if (Status s_ = (expr); !s_.ok()) return s_; \
  } while (0)

}  // namespace

Status validate(const JobSpec& m) {
  if (m.job_type != "backtest" && m.job_type != "noop") {
    return Status::error(ErrorCode::kBadRequest, "job_type \"{}\" is unknown (expected backtest or noop)",
                         m.job_type.substr(0, 64));
  }
  KTRDR_TRY(check_text("strategy", m.strategy, 256));
  KTRDR_TRY(check_text("model", m.model, 1024));
  if (m.job_type == "backtest" && m.model.empty() && m.strategy.empty()) {
    return bad("job", "give a model directory (relative to the workers' --models-root) or a strategy name");
  }
  if (!m.model.empty() && m.model.front() == '/') {
    return Status::error(ErrorCode::kBadRequest,
                         "model \"{}\" must be relative to the workers' --models-root, not absolute",
                         m.model.substr(0, 128));
  }
  for (std::size_t pos = 0; pos <= m.model.size();) {  // no ".." component: models stay under the root
    const std::size_t end = std::min(m.model.find('/', pos), m.model.size());
    if (m.model.compare(pos, end - pos, "..") == 0 && end - pos == 2) {
      return Status::error(ErrorCode::kBadRequest, "model \"{}\" must not contain \"..\"",
                           m.model.substr(0, 128));
    }
    pos = end + 1;
  }
  if (!m.strategy.empty()) KTRDR_TRY(check_name("strategy", m.strategy, false));
  KTRDR_TRY(check_name("symbol", m.symbol, true));
  KTRDR_TRY(check_name("timeframe", m.timeframe, true));
  KTRDR_TRY(check_text("start_date", m.start_date, 64));
  KTRDR_TRY(check_text("end_date", m.end_date, 64));
  if (std::string p = m.costs.problem(); !p.empty()) return Status{ErrorCode::kBadRequest, std::move(p)};
  return {};
}

Status validate(const StartRequest& m) {
  KTRDR_TRY(check_text("client_key", m.client_key, kMaxIdBytes));
  return validate(m.job);
}
Status validate(const ResumeRequest& m) {
  return check_op_id("op_id", m.op_id);
}
Status validate(const StatusRequest& m) {
  return check_op_id("op_id", m.op_id, true);
}
Status validate(const ListRequest& m) {
  if (m.limit > 10000)
    return Status::error(ErrorCode::kBadRequest, "limit must be <= 10000 (got {})", m.limit);
  if (m.states.size() > 16) return bad("states", "more than 16 entries");
  for (OpState s : m.states) {
    if (!valid_state(s))
      return Status::error(ErrorCode::kBadRequest, "states: unknown state {}", static_cast<int>(s));
  }
  return {};
}
Status validate(const CancelRequest& m) {
  KTRDR_TRY(check_text("reason", m.reason));
  return check_op_id("op_id", m.op_id);
}
Status validate(const ResultsRequest& m) {
  return check_op_id("op_id", m.op_id);
}
Status validate(const Reply& m) {
  if (!valid_code(m.code))
    return Status::error(ErrorCode::kMalformed, "reply code {} is unknown", static_cast<int>(m.code));
  for (const auto& op : m.operations) {
    if (!valid_state(op.state)) return bad("operations.state", "unknown state");
  }
  return {};
}
Status validate(const WorkerReady& m) {
  KTRDR_TRY(check_name("worker_id", m.worker_id, false));
  if (m.capabilities.size() > 16) return bad("capabilities", "more than 16 entries");
  for (const auto& c : m.capabilities) KTRDR_TRY(check_name("capabilities[]", c, false));
  KTRDR_TRY(check_op_id("current_op", m.current_op, true));
  if (m.heartbeat_interval_ms < 10 || m.heartbeat_interval_ms > 600000) {
    return Status::error(ErrorCode::kBadRequest, "heartbeat_interval_ms must be in [10, 600000] (got {})",
                         m.heartbeat_interval_ms);
  }
  if (m.prefetch < 1 || m.prefetch > kMaxPrefetch) {
    return Status::error(ErrorCode::kBadRequest, "prefetch must be in [1, {}] (got {})", kMaxPrefetch,
                         m.prefetch);
  }
  return {};
}
Status validate(const Job& m) {
  KTRDR_TRY(check_op_id("op_id", m.op_id));
  if (m.attempt == 0) return bad("attempt", "must be >= 1");
  return validate(m.job);
}
Status validate(const Heartbeat& m) {
  return check_op_id("op_id", m.op_id, true);
}
Status validate(const Progress& m) {
  KTRDR_TRY(check_op_id("op_id", m.op_id));
  KTRDR_TRY(check_name("worker_id", m.worker_id, true));
  return check_text("current_date", m.current_date, 64);
}
Status validate(const Checkpoint& m) {
  KTRDR_TRY(check_op_id("op_id", m.op_id));
  if (m.blob.empty()) return bad("blob", "empty checkpoint");
  return {};
}
Status validate(const JobResult& m) {
  KTRDR_TRY(check_op_id("op_id", m.op_id));
  if (m.result_json.empty()) return bad("result_json", "empty result");
  return {};
}
Status validate(const JobFailure& m) {
  KTRDR_TRY(check_op_id("op_id", m.op_id));
  if (!valid_code(m.code))
    return Status::error(ErrorCode::kBadRequest, "code {} is unknown", static_cast<int>(m.code));
  return check_text("message", m.message);
}
Status validate(const Disconnect& m) {
  KTRDR_TRY(check_text("reason", m.reason));
  return check_op_id("op_id", m.op_id, true);
}
Status validate(const CancelJob& m) {
  KTRDR_TRY(check_text("reason", m.reason));
  return check_op_id("op_id", m.op_id);
}
Status validate(const OpEvent& m) {
  KTRDR_TRY(check_op_id("op_id", m.op_id));
  if (!valid_state(m.state)) return bad("state", "unknown state");
  return check_text("message", m.message);
}

}  // namespace ktrdr::proto

namespace ktrdr::proto {
Status validate(const OperationInfo& m) {
  if (!is_valid_op_id(m.op_id)) return Status::error(ErrorCode::kMalformed, "stored operation id is invalid");
  if (!valid_state(m.state)) return Status::error(ErrorCode::kMalformed, "stored operation state is invalid");
  return {};
}
}  // namespace ktrdr::proto
