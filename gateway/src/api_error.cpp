#include "ktrdr/gateway/api_error.h"

#include <fmt/format.h>

namespace ktrdr::gateway {

nlohmann::json error_body(const std::string& detail) {
  return {{"success", false}, {"detail", detail}};
}

int http_status_for(proto::ErrorCode code, int conflict_status) {
  using proto::ErrorCode;
  switch (code) {
    case ErrorCode::kOk:
      return 200;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kBadRequest:
    case ErrorCode::kMalformed:
    case ErrorCode::kNotReady:
    case ErrorCode::kTooLarge:
      return 400;
    case ErrorCode::kConflict:
      return conflict_status;
    case ErrorCode::kBusy:
    case ErrorCode::kShuttingDown:
      return 503;
    default:
      return 500;
  }
}

void throw_if_error(const proto::Reply& reply, const std::string& op_id, int conflict_status) {
  if (reply.code == proto::ErrorCode::kOk) return;
  if (reply.code == proto::ErrorCode::kNotFound && !op_id.empty()) {
    throw ApiError(404, fmt::format("Operation not found: {}", op_id));
  }
  throw ApiError(http_status_for(reply.code, conflict_status),
                 reply.message.empty() ? std::string(proto::to_string(reply.code)) : reply.message);
}

}  // namespace ktrdr::gateway
