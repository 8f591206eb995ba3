// Ctrl-C while following a job: a SIGINT handler that only sets a flag; the follow loop asks the user.
#pragma once

namespace ktrdr::cli {

// Installs the flag-setting handler (no SA_RESTART, so blocking zmq calls return EINTR).
void install_interrupt_handler();
// Restores the default action (a second Ctrl-C during a prompt ends the process).
void restore_default_interrupt();
bool interrupted();
void clear_interrupted();

}  // namespace ktrdr::cli
