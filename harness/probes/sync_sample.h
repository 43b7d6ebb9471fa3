// A normalized sync sample: what every probe parser (GlusterFS, DRBD, Ceph, md, a user's
// command) turns its tool's output into, so runs, phases, wait_until and `healbench probe`
// speak one vocabulary (DESIGN.md "sync state", results.json sync.samples).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace healbench {

enum class SyncState { kInSync, kDegraded, kHealing, kUnknown };

// "in_sync" | "degraded" | "healing" | "unknown", as written in results.json.
std::string_view SyncStateName(SyncState state);

struct SyncSample {
  SyncState state = SyncState::kUnknown;
  std::optional<std::uint64_t> pending_entries, out_of_sync_bytes;
  bool estimate = false;                     // out_of_sync_bytes is an estimate
  bool heal_waiting = false;                 // pending > 0 but nothing is healing
  std::map<std::string, bool> safe_to_stop;  // per node / brick / osd / member device
  std::string detail;  // a short human summary, or why unknown; at most kMaxDetailBytes
};

// However long the tool's lines, a detail stays one line for a terminal or a results field.
constexpr std::size_t kMaxDetailBytes = 1024;

// The sample a parser returns when it cannot tell: state unknown, `why` (clipped to
// kMaxDetailBytes) as the detail.
SyncSample UnknownSample(std::string why);

// Worst of two states for aggregating parts (arrays, resources, bricks):
// unknown > degraded > healing > in_sync.
SyncState WorseState(SyncState a, SyncState b);

}  // namespace healbench
