// The end-of-run summary printed to the terminal: a compact plain-text view of a RunResult
// (phases, stalls, events, sync, integrity, SLO verdicts) for an operator in a hurry. No
// colours or control characters, so it reads the same in a log file.
#pragma once

#include <string>

#include "reports/result_model.h"

namespace healbench::report {

// Multi-line text ending in '\n'. Derived from the model only, like every other view.
std::string TerminalSummary(const RunResult& r);

}  // namespace healbench::report
