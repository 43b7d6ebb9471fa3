// Builds the result model from what the workers measured: totals, per-phase statistics
// from merged histograms, stalls (overall, per op, per image) with their phase and
// in-flight peak, derived figures and SLO checks.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/core/stall_detector.h"
#include "harness/run/worker.h"
#include "reports/result_model.h"

namespace healbench {

struct PhaseSpan {
  std::string name;
  Nanos start_ns = 0;  // from run start
  Nanos end_ns = 0;
};

// What one worker measured: a local Worker's, or a fleet rank's worker rebuilt from its message.
struct WorkerMeasurements {
  const std::vector<PhaseStats>* phases = nullptr;
  const StallRecorder* stalls = nullptr;
};
std::vector<WorkerMeasurements> MeasurementsOf(const std::vector<std::unique_ptr<Worker>>& workers);

struct AssemblyInput {
  std::vector<WorkerMeasurements> workers;
  std::vector<PhaseSpan> phases;         // in order; workers' phase index matches
  std::vector<std::string> image_names;  // by run-wide image index
  Nanos run_start_ns = 0;
  Nanos run_end_ns = 0;                       // absolute
  std::map<std::string, double> slo;          // scenario [slo]
  Nanos stall_threshold_ns = 500 * kNsPerMs;  // a stall is seen this long after it starts
};

// Fills result.totals, phases, stalls*, derived, slo_checks. Rows (timeseries) and events
// must already be in the result (stall in-flight peaks and causes are read from them).
void AssembleMeasurements(const AssemblyInput& in, report::RunResult* result);

// Each time-series row gets the sync state of the newest probe sample at or before its end.
void FillSyncColumn(const std::vector<report::SyncSample>& samples,
                    std::vector<report::IntervalRow>* rows);

}  // namespace healbench
