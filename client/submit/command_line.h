// Boost.Program_options plumbing shared by the subcommands: the common options every command accepts and
// one parse call that turns --help and parse errors into exit codes.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "ktrdr/client/client_options.h"
#include "ktrdr/proto/messages.h"

namespace ktrdr::cli {

// --broker, --progress, --timeout-ms, --retries, --json, --verbose, written into `options` only when given.
boost::program_options::options_description common_options(client::ClientOptions& options);

// Parses `args` (args[0] = subcommand name, skipped). Returns an exit code to return at once (0 after
// --help, 2 after a usage error, message printed), or nullopt to go on.
std::optional<int> parse_command(const std::vector<std::string>& args, const std::string& usage,
                                 const boost::program_options::options_description& own,
                                 const boost::program_options::positional_options_description& positional,
                                 client::ClientOptions& options, boost::program_options::variables_map& vm);

// Runs `body` and maps what escapes it to exit codes: client::BrokerUnreachable -> 6, ktrdr::Error -> 1,
// zmq/other std::exception -> 1 (messages printed).
int guarded(const std::function<int()>& body);

// Logs "<what> rejected (<code>): <message>" for a broker reply that is not kOk and returns the exit code for
// it (3). `what` names the request, e.g. "cancel op_...".
int rejected(const std::string& what, const proto::Reply& reply);
// Same for a rejection known only by its text: "<what> rejected: <message>".
int rejected(const std::string& what, const std::string& message);

}  // namespace ktrdr::cli
