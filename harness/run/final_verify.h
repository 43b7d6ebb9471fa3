// The end-of-run verify step of workload.verify: every block the run wrote is read back
// through the backend and checked against what was acknowledged; then, where the backend
// can reach replicas on their own (reference-cluster nodes), each replica is read and
// compared block by block — replicas that differ are split-brain symptoms. Bounded: a read
// that does not return within io_timeout ends the step and says how much went unverified.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "reports/result_model.h"
#include "workloads/verify_tracker.h"

namespace healbench {

struct FinalVerifyOptions {
  Nanos io_timeout_ns = 30 * kNsPerSec;
  // Before comparing replicas, wait this long for the backend to say in_sync (a heal still
  // running makes replicas differ legitimately).
  Nanos settle_timeout_ns = 60 * kNsPerSec;
  std::uint32_t read_bytes = 1 << 20;  // per read
  std::uint32_t depth = 8;             // reads in flight
  // Whether the storage is in sync now, saying what it is otherwise; unset: the backend's
  // own SyncState (none: assumed in sync).
  std::function<bool(std::string* state)> in_sync;
};

struct FinalVerifyResult {
  IntegrityCounts counts;  // read-back findings plus diverged blocks between replicas
  std::uint64_t blocks_read_back = 0;
  std::uint64_t unverified_blocks = 0;
  std::vector<report::ReplicaIntegrity> replicas;  // empty: not compared
  std::vector<std::string> notes;                  // what could not be verified, and why
  Nanos duration_ns = 0;
};

// verifiers: one per image the run used, indexed by run-wide image index (Prepare's order).
// replicas: readers of the replicas to compare; empty: the backend's own, if it has any.
FinalVerifyResult FinalVerify(Backend* backend, const std::vector<ImageVerifier*>& verifiers,
                              const FinalVerifyOptions& options,
                              std::vector<std::unique_ptr<ReplicaReader>> replicas = {});

// Fills result->integrity from the run's counts and the final step.
void FillIntegrity(const IntegrityCounts& during_run, const FinalVerifyResult& final_step,
                   report::RunResult* result);

}  // namespace healbench
