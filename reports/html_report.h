// report.html: one self-contained page per run (inline CSS, JS and data; opens offline in
// any browser) with the header and SLO verdicts, a timeline of throughput, latency, in-flight
// I/O, faults, phases, stalls and sync state, per-phase tables and latency distributions.
#pragma once

#include <string>

#include "reports/result_model.h"

namespace healbench::report {

// The whole page. Tables and text are rendered here, so they read without JavaScript; the
// charts are drawn by the inline script from the embedded ReportData(r).
std::string HtmlReport(const RunResult& r);

// The run's name for titles: scenario run.name, else "run".
std::string RunName(const RunResult& r);

}  // namespace healbench::report
