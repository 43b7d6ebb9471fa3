// The "diff" heal of one range: ask the source and the target for chunk checksums, then copy
// only the chunks whose sums differ (adjacent ones in one read and write), flagged as heal
// traffic. Cost: both nodes read the whole range; the network carries only what differs.
#pragma once

#include <cstdint>

#include "backends/refcluster/replica_connection.h"
#include "harness/core/clock.h"
#include "harness/core/result.h"

namespace healbench::ref {

struct DiffHealStats {
  std::uint64_t compared_bytes = 0;
  std::uint64_t copied_bytes = 0;
};

// Makes the target's [offset, offset + length) of `image` equal to the source's. Each call
// is bounded by timeout_ns; kUnavailable names the step that failed. length <= 16 MiB.
Result<void> DiffHealRange(ReplicaConnection& source, ReplicaConnection& target,
                           std::uint32_t image, std::uint64_t offset, std::uint32_t length,
                           Nanos timeout_ns, DiffHealStats* stats);

}  // namespace healbench::ref
