// The gfapi backend: images as files inside a GlusterFS volume, reached through libgfapi's
// asynchronous calls (no FUSE mount), one glfs_t handle for the whole run. The other route
// to the same volume is the file backend on its FUSE mount. backend.direct does not apply:
// images are opened O_RDWR and cached as the volume's performance.* options say, as qemu's
// gluster driver does with cache=writeback; flushes are glfs_fdatasync.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "backends/backend.h"

namespace healbench {

// `path` is the image directory inside the volume (backend.path; "/" when empty); `options`
// the other [backend] keys as TOML text (volume, server, port, logfile, loglevel). Connects
// before returning, so an unreachable glusterd or an unknown volume fails here (kUnavailable,
// naming both) rather than in the middle of a run. Images it creates carry healbench's mark
// (backends/image_mark.h); an existing image without it is refused unless `overwrite`.
Result<std::unique_ptr<Backend>> MakeGfapiBackend(const std::string& path,
                                                  const std::map<std::string, std::string>& options,
                                                  bool overwrite = false);

}  // namespace healbench
