// workload.verify in a run: before it, the checks (4 KiB block sizes), the run id stamped in
// every block and the verify directory OUT/verify/ (the resolved scenario and one journal
// per worker, for `healbench verify OUT/` later); after it, the final verify step over every
// worker's record, its events, and results' integrity block.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "harness/core/result.h"
#include "harness/run/event_recorder.h"
#include "harness/run/probe_poller.h"
#include "harness/run/worker.h"
#include "harness/scenario/scenario.h"
#include "reports/result_model.h"

namespace healbench {

struct RunVerify {
  std::uint64_t run_id = 0;
  std::string dir;  // OUT/verify
  std::string JournalPath(int worker) const;
};

// Checks the workload can be verified and writes OUT/verify/scenario.json.
Result<RunVerify> PrepareRunVerify(const Scenario& s, const WorkloadParams& params,
                                   const Capabilities& caps, const std::string& out_dir,
                                   std::uint64_t seed);

// The end-of-run verify step: reads back every block the workers wrote and compares the
// replicas, then fills result->integrity and records a "verify" event.
// Replicas are compared once the probe (if any, else the backend) says in_sync; those
// reached through [nodes.NAME] replica_path, else the backend's own.
void VerifyAfterRun(const Scenario& s, Backend* backend,
                    std::vector<std::unique_ptr<Worker>>& workers, const ProbePoller* poller,
                    EventRecorder* events, report::RunResult* result);

}  // namespace healbench
