// Direct reads from one reference-cluster node, bypassing replication: its own connection,
// its own OPEN_IMAGE of every image, READs flagged as inspection (test fault modes serve them
// like any read but do not count them as guest reads). Used by write verification to
// compare replicas block by block.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/refcluster/socket_io.h"

namespace healbench::ref {

Result<std::unique_ptr<ReplicaReader>> OpenRefReplicaReader(const std::string& node,
                                                            const HostPort& addr,
                                                            const std::vector<ImageSpec>& images,
                                                            const std::string& token,
                                                            Nanos timeout_ns);

}  // namespace healbench::ref
