// Signal handling for graceful early end. See interrupt.h.
#include "harness/run/interrupt.h"

#include <atomic>
#include <csignal>

namespace healbench {
namespace {
std::atomic<bool> g_interrupted{false};

extern "C" void OnInterrupt(int sig) {
  g_interrupted.store(true);
  std::signal(sig, SIG_DFL);  // the next one kills
}
}  // namespace

void InstallInterruptHandlers() {
  g_interrupted.store(false);
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
}

bool Interrupted() { return g_interrupted.load(); }

void RestoreInterruptHandlers() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace healbench
