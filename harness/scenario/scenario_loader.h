// Reads a scenario from a TOML file and `--set section.key=value` overrides, checks every
// key against DESIGN.md's scenario format, and writes a loaded scenario back out as JSON
// (for results' context block) in a form the loader accepts again.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/core/result.h"
#include "harness/scenario/scenario.h"

namespace healbench {

// Loads PATH, applies `sets` ("section.key=value", later ones win) over it and checks the
// result. A set's value is read as a TOML value ("true", "16", "[\"4k:70\", \"64k:30\"]");
// when it is not one, it is a bare string ("60s", "/mnt/vm", "vm-mixed"). Sets may add keys
// and sections ("nodes.node1.injector=proxy", "slo.max_stall=2s").
//
// Every error is kBadInput and says where; all problems are reported at once, one a line,
// file problems in line order, then set problems in command-line order:
//   FILE:LINE: key run.duration: invalid duration "5x": expected a number with a unit ...
//   FILE:LINE: key run.duraton: unknown key in [run] (did you mean "duration"?)
//   FILE:LINE: unknown section [rn] (did you mean [run]?)
//   FILE:LINE:COLUMN: TOML syntax error: ...
//   --set run.duration: invalid duration "5x": ...
//   --set run: expected section.key=value (e.g. run.duration=60s)
//   open scenario file PATH: No such file or directory [errno 2]
Result<Scenario> LoadScenarioFile(const std::string& path, const std::vector<std::string>& sets);

// The same for scenario text already in memory; `name` stands for the file in messages.
Result<Scenario> LoadScenarioText(const std::string& name, const std::string& text,
                                  const std::vector<std::string>& sets);

// The same with no file: every key comes from `sets` or its default. Scenario::source is
// "--set".
Result<Scenario> LoadScenarioFromSets(const std::vector<std::string>& sets);

// The scenario as resolved, with the scenario file's own section and key names: every key
// with its default applied, workload overrides filled in from the profile, durations and
// sizes as strings ParseDuration / ParseSize read back ("60s" is written "1m", "1GiB").
// Keys with no value are null (run.seed when chosen at start, workload.rate_iops in closed
// loop); [nodes], [[fault]] and [probe] appear only when given. Written as TOML (nulls left
// out), the result loads to the same scenario.
nlohmann::json ScenarioToJson(const Scenario& scenario);

}  // namespace healbench
