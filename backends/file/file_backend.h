// The file backend: images as files on any mounted filesystem (a directory of sparse
// PREFIX-N.img files), a block device, or one existing file, driven through io_uring
// (liburing). O_DIRECT by default with aligned buffers; short reads and writes are
// resubmitted for the remainder. Nothing that exists is written before the overwrite guard
// (overwrite_guard.h) allowed it; images it creates carry healbench's mark (image_marker.h).
#pragma once

#include <memory>
#include <string>

#include "backends/backend.h"

namespace healbench {

struct FileBackendOptions {
  std::string path;    // directory, block device or existing file
  bool direct = true;  // O_DIRECT
  // Write over existing contents the guard would refuse (a signature, a file healbench did
  // not create); never over something mounted or in use. workload.overwrite / --force.
  bool overwrite = false;
};

std::unique_ptr<Backend> MakeFileBackend(const FileBackendOptions& options);

// Whether io_uring can be set up here (kernel support, seccomp, limits); the reason if not.
Result<void> ProbeIoUring();

}  // namespace healbench
