// Checks shared by the libFuzzer targets: FUZZ_CHECK aborts with the broken property named
// (libFuzzer keeps the input as a crash reproducer), and CheckSample holds every probe
// parser to the contract of sync_sample.h.
#pragma once

#include <cstdio>
#include <cstdlib>

#include "harness/probes/sync_sample.h"

#define FUZZ_CHECK(cond, what)                                              \
  do {                                                                      \
    if (!(cond)) {                                                          \
      std::fprintf(stderr, "fuzz property broken: %s (%s)\n", what, #cond); \
      std::abort();                                                         \
    }                                                                       \
  } while (0)

namespace healbench::fuzz {

// A sample says why when it cannot tell, keeps its summary short, and only waits to heal
// while healing.
inline void CheckSample(const SyncSample& s) {
  FUZZ_CHECK(s.state != SyncState::kUnknown || !s.detail.empty(), "unknown sample says why");
  FUZZ_CHECK(s.detail.size() <= kMaxDetailBytes, "detail is a short summary");
  FUZZ_CHECK(!s.heal_waiting || s.state == SyncState::kHealing, "heal_waiting only while healing");
}

}  // namespace healbench::fuzz
