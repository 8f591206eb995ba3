// Errors of the REST API in the reference's shape: HTTP status + {"success": false, "detail": "..."}.
// Handlers throw ApiError; the gateway's route wrapper turns it (and BrokerUnreachable -> 503) into the body.
#pragma once

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "ktrdr/proto/messages.h"

namespace ktrdr::gateway {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, const std::string& detail) : std::runtime_error(detail), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

// {"success": false, "detail": detail}
nlohmann::json error_body(const std::string& detail);

// The HTTP status for a broker reply code that is not kOk: not_found 404; bad_request, malformed,
// not_ready 400; conflict `conflict_status` (409 for resume as the reference, 400 for cancel); busy,
// shutting_down 503; anything else 500.
int http_status_for(proto::ErrorCode code, int conflict_status = 409);

// Throws ApiError for a Reply whose code is not kOk; `op_id` names the operation in a not_found detail
// ("Operation not found: <id>", the reference's wording).
void throw_if_error(const proto::Reply& reply, const std::string& op_id = {}, int conflict_status = 409);

}  // namespace ktrdr::gateway
