// The rbd backend's settings, read from the scenario's [backend] keys (kept as TOML text by
// the scenario loader) and checked before anything connects: which pool, which ceph.conf and
// client id, whether missing images may be created, and how long librados may wait.
#pragma once

#include <map>
#include <string>

#include "harness/core/result.h"

namespace healbench {

struct RbdOptions {
  std::string pool = "rbd";      // backend.pool: the RADOS pool holding the images
  std::string conf;              // backend.conf: ceph.conf path (empty: librados' search path)
  std::string client = "admin";  // backend.client: the cephx/client id, as in client.ID
  bool create = true;            // backend.create: create a missing image (sparse, image size)
  // Bound on connecting and on each monitor / OSD operation librados does for us, so an
  // unreachable cluster fails instead of hanging (client_mount_timeout, rados_mon_op_timeout,
  // rados_osd_op_timeout). 0 for the OSD ops: a frozen OSD must stall I/O, not fail it.
  int connect_timeout_s = 15;
};

// Reads pool, conf, client and create from `options`. Keys that belong to other backends,
// an empty or malformed pool or client name, or a ceph.conf that does not exist are
// kBadInput errors naming the key and the value, e.g.
//   backend.pool = "a b" (kind = "rbd"): expected a pool name such as "rbd"
Result<RbdOptions> ParseRbdOptions(const std::map<std::string, std::string>& options);

}  // namespace healbench
