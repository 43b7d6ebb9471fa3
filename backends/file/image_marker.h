// Marks the image files healbench creates, so a later run can tell its own images (safe to
// write again) from someone else's file that happens to have the same name (refused unless
// told to overwrite). The mark is an extended attribute `user.healbench` holding the id of
// the run that created the file: it costs no byte of the image (every byte belongs to the
// workload and its verification, so a header region is out), survives rename, and works on
// ext4, xfs, tmpfs (Linux >= 6.6) and a GlusterFS FUSE mount (passed to the bricks). Where
// the filesystem refuses user xattrs (older tmpfs, some NFS or FUSE mounts) a sidecar file
// `.FILE.healbench` beside the image (.vm-0.img.healbench) holds the run id and its inode, so a
// sidecar left behind for a file that was since replaced does not vouch for the new one.
#pragma once

#include <optional>
#include <string>

#include "backends/image_mark.h"
#include "harness/core/result.h"

namespace healbench {

// An id for this process's run (backends/image_mark.h).
inline std::string NewRunId() { return NewImageRunId(); }

// Marks the file at `path` (just created, open as `fd`) as created by run `run_id`: the
// xattr, else the sidecar. An error only when neither can be written.
Result<void> MarkImageAsOwn(int fd, const std::string& path, const std::string& run_id);

// The sidecar form alone (MarkImageAsOwn's fallback; tests call it directly).
Result<void> WriteSidecarMark(int fd, const std::string& path, const std::string& run_id);
std::string SidecarPath(const std::string& path);

// The run id of the mark on `path`, or nullopt when healbench did not create it.
std::optional<std::string> ReadImageMark(const std::string& path);

// Removes an image this run created (and its sidecar). Only for paths the caller itself
// created in this run; never for anything that existed before.
void RemoveCreatedImage(const std::string& path);

}  // namespace healbench
