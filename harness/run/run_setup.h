// Checks and resolutions made before a run starts: the workload's parameters (profile
// plus overrides), the features this version does not have, the output directory. Every
// refusal names the scenario key it is about.
#pragma once

#include <string>

#include "harness/core/result.h"
#include "harness/scenario/scenario.h"
#include "workloads/workload_params.h"

namespace healbench {

Result<WorkloadParams> ResolveWorkload(const WorkloadSection& w);

// kNotSupported for scenario sections whose features are not in this version.
Result<void> CheckSupported(const Scenario& s);

// The results directory: --out, else run.out, else healbench-out/NAME-YYYYmmdd-HHMMSS.
// Created (with parents) if missing.
Result<std::string> PrepareOutDir(const Scenario& s, const std::string& out_override);

}  // namespace healbench
