// Rank 0's end of a fleet run: the fleet's result from every rank's. Histograms merge
// exactly (raw bins), stalls are found over every rank's slow I/O pooled on rank 0's clock,
// totals and integrity counts add up, and the `fleet` section keeps each rank's own figures
// and the fleet stalls. A rank that never handed over is listed as missing.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/fleet/fleet_messages.h"
#include "harness/run/result_assembly.h"
#include "reports/result_model.h"

namespace healbench {

struct FleetMergeInput {
  const report::RunResult* own = nullptr;  // rank 0's own result (its figures alone)
  const std::vector<std::unique_ptr<Worker>>* workers = nullptr;  // rank 0's
  const std::map<int, FleetFinal>* finals = nullptr;              // ranks > 0 that handed over
  std::vector<std::string> hosts;                                 // by rank
  std::vector<std::vector<std::string>> images;                   // by rank
  std::vector<report::IntervalRow> fleet_rows;                    // every rank's intervals
  std::string out_dir;                                            // rank 0's OUT
  std::string stall_ranks_spec;                                   // run.fleet_stall_ranks
  AssemblyInput assembly;  // rank 0's phases, times, threshold and SLOs (workers filled here)
};

report::RunResult MergeFleet(const FleetMergeInput& in);

// Where rank r keeps its own results, under the fleet's OUT.
std::string RankOutDir(const std::string& out_dir, int rank);

}  // namespace healbench
