// Runs one scenario end to end: resolves the workload, prepares the backend and images,
// starts the workers, samples intervals while the run goes, then assembles and writes the
// results (results.json, timeseries.csv, events.jsonl) and prints the summary.
#pragma once

#include <string>

#include "harness/core/result.h"
#include "harness/scenario/scenario.h"
#include "reports/result_model.h"

namespace healbench {

class FleetSession;

struct RunOptions {
  std::string out_override;  // --out
  bool progress = true;      // draw the progress line when stderr is a terminal
  bool print_summary = true;
  std::string metrics_listen;  // --metrics-listen: serve live metrics (empty: off)
  std::string pushgateway;     // --pushgateway: push the final figures at the end
  std::string textfile;        // --textfile: final figures for node_exporter's textfile collector
  FleetSession* fleet = nullptr;  // a fleet run under mpirun: this rank's side; null otherwise
};

struct RunOutcome {
  report::RunResult result;
  std::string out_dir;
  int exit_code = 0;  // 0 ok, 1 SLO violated, 3 backend/infrastructure failure during the run
  bool handed_over = false;    // fleet ranks > 0: rank 0 took this rank's results
  bool fleet_complete = true;  // fleet rank 0: every rank handed over its results
};

// Errors before anything ran (bad input, backend unavailable) come back as Error; once the
// run started, results are always written and problems are reported in the outcome.
Result<RunOutcome> ExecuteRun(const Scenario& scenario, const RunOptions& options);

}  // namespace healbench
