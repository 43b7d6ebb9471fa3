// The `ref` backend: the embedded reference cluster. Spawns local `healbench node`
// processes (or uses backend.nodes) and replicates across them from the client side.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "backends/backend.h"

namespace healbench {

// Reads the [backend] options (TOML text); spawning happens in Prepare.
Result<std::unique_ptr<Backend>> MakeRefBackend(const std::map<std::string, std::string>& options);

}  // namespace healbench
