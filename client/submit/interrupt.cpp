#include "interrupt.h"

#include <csignal>

namespace ktrdr::cli {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_sigint(int) {
  g_interrupted = 1;
}

void set_action(void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, nullptr);
}

}  // namespace

void install_interrupt_handler() {
  set_action(on_sigint);
}
void restore_default_interrupt() {
  set_action(SIG_DFL);
}
bool interrupted() {
  return g_interrupted != 0;
}
void clear_interrupted() {
  g_interrupted = 0;
}

}  // namespace ktrdr::cli
