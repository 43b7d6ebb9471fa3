// A finished worker's measurements as a fleet rank sends them to rank 0 (FleetWorkerData):
// its per-phase statistics and its stall recorder, times made relative to the run's start.
#pragma once

#include "harness/fleet/fleet_messages.h"
#include "harness/run/worker.h"

namespace healbench {

FleetWorkerData CaptureWorker(const Worker& w, Nanos run_start_ns);

}  // namespace healbench
