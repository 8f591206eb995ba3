// Following one operation until it ends: progress from the PUB feed (topic = op id), state from periodic
// status requests (so a missed event or a broker restart cannot hang the client), Ctrl-C handling.
#pragma once

#include <string>

#include <zmq.hpp>

#include "exit_codes.h"
#include "ktrdr/client/broker_client.h"
#include "ktrdr/client/client_options.h"
#include "ktrdr/proto/messages.h"

namespace ktrdr::cli {

enum class FollowDisplay {
  kNone,       // --wait: nothing until the end
  kProgress,   // --follow: a live progress bar on stderr (a line every 2 s when stderr is not a TTY)
  kJsonLines,  // --follow --json: one JSON object per progress message on stdout
};

struct FollowOutcome {
  ExitCode code = ExitCode::kOk;  // kOk completed, kFailed, kCancelled, kRejected (op unknown)
  proto::OperationInfo op;        // the last status seen
  bool detached = false;          // Ctrl-C without a TTY: the job keeps running
  std::string message;            // why, when code != kOk
};

// Blocks until `op_id` is completed, failed or cancelled, or the user detaches. Throws
// client::BrokerUnreachable when the broker stays silent for three status requests in a row.
FollowOutcome follow_operation(zmq::context_t& context, client::BrokerClient& broker,
                               const client::ClientOptions& options, const std::string& op_id,
                               FollowDisplay display);

// Exit code for a terminal state.
ExitCode exit_code_for(proto::OpState state);

}  // namespace ktrdr::cli
