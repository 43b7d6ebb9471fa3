// `healbench compare`: candidates side by side. One row per figure an operator decides on
// (stalls, failover, healing, degraded throughput, p99 per phase, lost writes, SLO), one
// column per run, the best value in each row marked; as text, JSON, or an HTML page.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reports/result_model.h"

namespace healbench::report {

struct CompareRow {
  std::string metric;  // stable key, e.g. "max_stall_s", "p99_ns.write.degraded"
  std::string label;   // for people, e.g. "p99 write, degraded"
  std::string unit;    // "s", "ns", "ratio", "count" or "pass"
  bool higher_is_better = false;
  std::vector<std::optional<double>> values;  // per run; nullopt: not applicable / not measured
  std::vector<std::size_t> best;  // runs holding the best value; empty when nothing differs
};

// The rows, in display order. p99 rows exist for each phase name present in any run
// (baseline, degraded, healing, recovered first, then others as they appear) and op read /
// write. Best: the lowest (highest for the IOPS ratio and SLO pass) among non-null values,
// marked only when at least two runs have a value and not all values are equal.
std::vector<CompareRow> CompareRows(const std::vector<RunResult>& runs);

// Text table: a "metric" column, then one column per label; best values carry a '*', null
// shows "n/a"; a legend line follows. labels.size() must equal runs.size().
std::string CompareTable(const std::vector<RunResult>& runs,
                         const std::vector<std::string>& labels);

// {"runs": [{label, scenario, backend, seed, duration_s, slo_pass}], "rows": [{metric,
// label, unit, better: "lower"|"higher", values: [number|bool|null], best: [run index]}]}.
nlohmann::json CompareJson(const std::vector<RunResult>& runs,
                           const std::vector<std::string>& labels);

// Self-contained page: the table (best values in bold with '*') and the runs' timelines
// overlaid, each shifted so its first fault event (kind "fault") is at t = 0, or its start
// when it has none.
std::string CompareHtml(const std::vector<RunResult>& runs, const std::vector<std::string>& labels);

// A value of row for people: "1.52s", "850us", "0.688", "3", "pass" / "fail", "n/a".
std::string FormatCompareValue(const CompareRow& row, const std::optional<double>& v);

}  // namespace healbench::report
