// Ceph cluster sync state from `ceph status -f json` (OSDs up/in, placement-group states,
// degraded / misplaced / unfound objects, recovery rate), and the per-OSD answer of
// `ceph osd ok-to-stop ID -f json` for safe_to_stop.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/probes/sync_sample.h"

namespace healbench {

struct CephOptions {};  // nothing to choose yet; kept for the uniform ParseX(text, options)

// State rules:
//   every OSD up and in, every PG active+clean (summing to num_pgs), no degraded /
//   misplaced / unfound objects and no remapped PGs → in_sync (a lingering recovery rate
//   alone does not count: ceph status lags);
//   an OSD down or out, unfound objects, or PGs stale / down / incomplete / inconsistent
//   → degraded; otherwise, with every OSD up: PGs recovering / backfilling / waiting for
//   either / peering / activating / remapped, or a recovery rate → healing; degraded
//   objects with none of that → degraded.
// pending_entries = degraded + misplaced + unfound objects; out_of_sync_bytes = degraded
// objects × (data_bytes / num_objects), flagged estimate. safe_to_stop is left empty: ask
// ParseCephOkToStop per OSD.
SyncSample ParseCephStatus(std::string_view text, const CephOptions& options);

struct CephOkToStop {
  std::optional<bool> ok_to_stop;  // nullopt: the output did not say
  std::vector<int> osds;           // the OSDs the answer covers
  std::string detail;
};

// `ceph osd ok-to-stop ID -f json` stdout (log lines before the JSON and the stderr
// "Error EBUSY: ..." after it are tolerated), or the bare text answers: "Error EBUSY"
// → false, "... are ok to stop ..." → true. Anything else → ok_to_stop absent.
CephOkToStop ParseCephOkToStop(std::string_view text);

}  // namespace healbench
