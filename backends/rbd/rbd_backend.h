// The rbd backend: images as RBD images in a Ceph pool, reached through librbd's
// asynchronous C API (no kernel rbd map, no qemu), one librados connection for the whole run.
// backend.direct = true (the default) turns librbd's cache off, as qemu's cache=none does;
// false lets it write back until a flush.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "backends/backend.h"

namespace healbench {

// `options` are the [backend] keys as TOML text (pool, conf, client, create). Connects before
// returning, so an unreachable monitor or a missing pool fails here (kUnavailable naming the
// cluster and the pool, exit 3) rather than in the middle of a run.
Result<std::unique_ptr<Backend>> MakeRbdBackend(bool direct,
                                                const std::map<std::string, std::string>& options);

}  // namespace healbench
