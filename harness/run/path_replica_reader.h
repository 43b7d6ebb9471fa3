// A replica read straight from files: a node's copy of the images at a path the scenario
// gives ([nodes.NAME] replica_path, "{image}" standing for NAME.img), such as a GlusterFS
// brick on this machine. Write verification compares it with the other replicas.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "harness/scenario/scenario.h"

namespace healbench {

// One reader per [nodes.NAME] with a replica_path, over the run's images by name.
Result<std::vector<std::unique_ptr<ReplicaReader>>> OpenPathReplicaReaders(
    const Scenario& s, const std::vector<std::string>& image_names);

}  // namespace healbench
