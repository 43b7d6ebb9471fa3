// Names and small helpers for the normalized sync sample every probe parser returns.
#include "harness/probes/sync_sample.h"

#include <utility>

#include "harness/probes/probe_text.h"

namespace healbench {

std::string_view SyncStateName(SyncState state) {
  switch (state) {
    case SyncState::kInSync:
      return "in_sync";
    case SyncState::kDegraded:
      return "degraded";
    case SyncState::kHealing:
      return "healing";
    case SyncState::kUnknown:
      break;
  }
  return "unknown";
}

SyncSample UnknownSample(std::string why) {
  SyncSample s;
  s.detail = why.size() > kMaxDetailBytes ? probe_text::Clip(why, kMaxDetailBytes) : std::move(why);
  return s;
}

namespace {
int Rank(SyncState s) {
  switch (s) {
    case SyncState::kInSync:
      return 0;
    case SyncState::kHealing:
      return 1;
    case SyncState::kDegraded:
      return 2;
    case SyncState::kUnknown:
      break;
  }
  return 3;
}
}  // namespace

SyncState WorseState(SyncState a, SyncState b) { return Rank(a) >= Rank(b) ? a : b; }

}  // namespace healbench
