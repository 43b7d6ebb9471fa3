// The check before healbench writes over something that already exists (a block device, a
// single image file, or an image file found in the image directory). Three findings, two
// policies, chosen as a storage operator would want them:
//   in use   — mounted (itself, a partition or a dm/md holder), active swap, claimed by the
//              kernel, backing a loop device: always refused; no flag makes writing over a
//              live filesystem sensible, and the operator can unmount first.
//   contents — a filesystem, partition table, LVM/RAID member, swap or encryption signature
//              (libblkid), or a regular file healbench did not create (no mark): refused
//              unless the scenario says `overwrite = true` in [workload] or the command line
//              says --force, because reusing a scratch disk or a pre-allocated image is a
//              legitimate choice the operator can make knowingly.
// Refusals are bad input (exit 2) and name the path and what was found; nothing is written.
#pragma once

#include <string>

#include "harness/core/result.h"

namespace healbench {

// Checks `path` (an existing block device or regular file) before it is opened for writing.
// force: the operator allowed overwriting contents (never in-use targets). What force lets
// through is printed to stderr, so the log says what was overwritten.
Result<void> CheckBeforeOverwrite(const std::string& path, bool force);

}  // namespace healbench
