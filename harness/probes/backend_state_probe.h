// The `ref` probe: sync state straight from a backend that replicates itself (the
// reference cluster's client knows exactly which replica is up, down or being healed), so
// it is ground truth for the other probes and for wait_until.
#pragma once

#include <memory>

#include "backends/backend.h"
#include "harness/probes/sync_probe.h"

namespace healbench {

// kNotSupported when the backend keeps no replication state of its own.
Result<std::unique_ptr<SyncProbe>> MakeBackendStateProbe(const Backend* backend);

}  // namespace healbench
