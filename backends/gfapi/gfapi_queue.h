// A worker's queue over gfapi images: requests go out through glfs_pread_async /
// glfs_pwrite_async / glfs_fdatasync_async / glfs_discard_async; their callbacks run on
// gfapi's own threads and hand completions to the worker through a mutex-guarded inbox that
// Reap waits on.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "backends/backend.h"

struct glfs_fd;

namespace healbench {

// `fds` are the run-wide images (by IoRequest::image); they belong to the GfapiVolume and
// outlive the queue. At most `depth` requests may be out at once.
std::unique_ptr<BackendQueue> MakeGfapiQueue(std::vector<glfs_fd*> fds, std::uint32_t depth);

}  // namespace healbench
