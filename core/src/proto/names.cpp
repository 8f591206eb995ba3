// Names of the protocol enums (messages.h), as shown in logs, JSON output and docs/protocol.md.
#include "ktrdr/proto/messages.h"

namespace ktrdr::proto {

std::string_view to_string(Command c) {
  switch (c) {
    case Command::kStart:
      return "start";
    case Command::kResume:
      return "resume";
    case Command::kStatus:
      return "status";
    case Command::kList:
      return "list";
    case Command::kCancel:
      return "cancel";
    case Command::kResults:
      return "results";
    case Command::kReply:
      return "reply";
    case Command::kReady:
      return "ready";
    case Command::kJob:
      return "job";
    case Command::kHeartbeat:
      return "heartbeat";
    case Command::kProgress:
      return "progress";
    case Command::kCheckpoint:
      return "checkpoint";
    case Command::kResult:
      return "result";
    case Command::kFailure:
      return "failure";
    case Command::kDisconnect:
      return "disconnect";
    case Command::kCancelJob:
      return "cancel_job";
    case Command::kOpEvent:
      return "op_event";
  }
  return "unknown";
}

bool is_known_command(uint8_t value) {
  return to_string(static_cast<Command>(value)) != "unknown";
}

std::string_view to_string(ErrorCode c) {
  switch (c) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kBadRequest:
      return "bad_request";
    case ErrorCode::kUnsupportedVersion:
      return "unsupported_version";
    case ErrorCode::kMalformed:
      return "malformed";
    case ErrorCode::kUnknownCommand:
      return "unknown_command";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kNotReady:
      return "not_ready";
    case ErrorCode::kInternal:
      return "internal";
    case ErrorCode::kBusy:
      return "busy";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kRefused:
      return "refused";
    case ErrorCode::kRunFailed:
      return "run_failed";
    case ErrorCode::kShuttingDown:
      return "shutting_down";
    case ErrorCode::kTooLarge:
      return "too_large";
  }
  return "unknown";
}

std::string_view to_string(OpState s) {
  switch (s) {
    case OpState::kPending:
      return "pending";
    case OpState::kRunning:
      return "running";
    case OpState::kCompleted:
      return "completed";
    case OpState::kFailed:
      return "failed";
    case OpState::kCancelled:
      return "cancelled";
    case OpState::kResuming:
      return "resuming";
  }
  return "unknown";
}

std::string_view to_string(WorkerState s) {
  switch (s) {
    case WorkerState::kIdle:
      return "idle";
    case WorkerState::kBusy:
      return "busy";
    case WorkerState::kDead:
      return "dead";
  }
  return "unknown";
}

std::string_view to_string(CheckpointReason r) {
  switch (r) {
    case CheckpointReason::kPeriodic:
      return "periodic";
    case CheckpointReason::kCancel:
      return "cancel";
    case CheckpointReason::kShutdown:
      return "shutdown";
  }
  return "unknown";
}

std::optional<OpState> parse_op_state(std::string_view name) {
  for (uint8_t v = 0; v <= static_cast<uint8_t>(OpState::kResuming); ++v) {
    if (to_string(static_cast<OpState>(v)) == name) return static_cast<OpState>(v);
  }
  return std::nullopt;
}

std::optional<CheckpointReason> parse_checkpoint_reason(std::string_view name) {
  for (uint8_t v = 0; v <= static_cast<uint8_t>(CheckpointReason::kShutdown); ++v) {
    if (to_string(static_cast<CheckpointReason>(v)) == name) return static_cast<CheckpointReason>(v);
  }
  return std::nullopt;
}

bool is_terminal(OpState s) {
  return s == OpState::kCompleted || s == OpState::kFailed || s == OpState::kCancelled;
}

}  // namespace ktrdr::proto
