// Linux md (software RAID) sync state from /proc/mdstat, optionally refined by an array's
// /sys/block/mdX/md/sync_action and sync_completed ("done / total" in 512-byte sectors).
#pragma once

#include <string>
#include <string_view>

#include "harness/probes/sync_sample.h"

namespace healbench {

struct MdOptions {
  std::string array{};           // "md0"; "" = every array in /proc/mdstat
  std::string sync_action{};     // contents of md/sync_action for `array`; "" = not read
  std::string sync_completed{};  // contents of md/sync_completed for `array`; "" = not read
};

// Per array, worst wins:
//   inactive, or a member missing ([n/m] with m < n, "_" in [UU_]) with no rebuild →
//   degraded; recovery / resync / repair in progress → healing (out_of_sync_bytes = the
//   blocks still to go × 1024, or (total − done) × 512 from sync_completed);
//   resync=DELAYED / PENDING, sync_action frozen or sync_completed delayed → healing with
//   heal_waiting; all members up and idle, a check or reshape running, or an array without
//   redundancy (raid0, linear) → in_sync.
// safe_to_stop per member device ("sdb1"): true only while its array is in_sync and
// redundant; failed (F) and spare (S) members are always safe.
SyncSample ParseMdstat(std::string_view text, const MdOptions& options);

}  // namespace healbench
