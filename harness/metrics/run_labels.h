// The labels every healbench series carries (run) and the run_info series' labels
// (scenario, backend, seed, version), shared by the live registry and the final figures.
#pragma once

#include <map>
#include <string>

#include "harness/scenario/scenario.h"
#include "reports/result_model.h"

namespace healbench {

// run = [run] name; scenario = the scenario file's name without directory and ".toml"
// ("--set" for a run without a file).
std::map<std::string, std::string> RunInfoLabels(const Scenario& scenario,
                                                 const report::Context& context);

}  // namespace healbench
