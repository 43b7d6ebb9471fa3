// READ CAPACITY(16) on a logged-in session: the LUN's block size and size in bytes, which
// the backend checks the images against before any I/O.
#pragma once

#include <cstdint>

#include "backends/iscsi/iscsi_session.h"
#include "backends/iscsi/iscsi_url.h"

namespace healbench {

struct LunCapacity {
  std::uint32_t block_bytes = 512;
  std::uint64_t size_bytes = 0;
};

// UNIT ATTENTION (e.g. after a reset) is answered by asking again; any other failure is
// kUnavailable naming the URL and the SCSI status / sense.
Result<LunCapacity> ReadLunCapacity(IscsiSession& session, const IscsiTarget& target,
                                    Nanos timeout_ns);

}  // namespace healbench
