// A worker's queue over RBD images: requests go out through rbd_aio_read / rbd_aio_write /
// rbd_aio_flush / rbd_aio_discard, each with its own rbd_aio_create_completion; librbd calls
// back on its own threads and the callback hands the result to the worker through a
// mutex-guarded inbox that Reap waits on, so the worker never blocks inside librbd.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "backends/backend.h"

namespace healbench {

// `images` are the run-wide rbd_image_t handles (by IoRequest::image); they belong to the
// RbdCluster and outlive the queue. At most `depth` requests may be out at once.
std::unique_ptr<BackendQueue> MakeRbdQueue(std::vector<void*> images, std::uint32_t depth);

}  // namespace healbench
