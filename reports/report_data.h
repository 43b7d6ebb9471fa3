// The data the HTML views embed for their JavaScript to draw: the time series as one array
// per column (compact for 36,000-row runs), plus phases, events, stalls, sync spans and the
// latency histograms with their bin bounds already in nanoseconds.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "reports/result_model.h"

namespace healbench::report {

// Everything the single-run report draws. Keys: duration_s, series {t_s, read_iops,
// write_iops, flush_iops, read_mib_s, write_mib_s, p50_ns, p99_ns, p999_ns, max_ns,
// inflight, oldest_inflight_age_s, errors}, phases [{name, start_s, end_s}], events [{id,
// t_s, end_s, kind, action, node, ok}] (not the run's own start/end), stalls [{start_s,
// end_s, duration_s, open, ops}], sync [{t_s, end_s, state, pending_entries,
// out_of_sync_bytes}], histograms [{phase, read|write|flush: [[lower_ns, upper_ns, count]…]}].
nlohmann::json ReportData(const RunResult& r);

// The per-run subset the compare page overlays: label, align_s (first fault's t_s, else 0),
// align_event (its name, or ""), series {t_s, iops (all ops), p99_ns, oldest_inflight_age_s},
// stalls and fault events as in ReportData.
nlohmann::json CompareRunData(const RunResult& r, const std::string& label);

// The first event of kind "fault", if any: the point compare aligns runs at.
std::optional<Event> FirstFault(const RunResult& r);

// Text of j for a <script type="application/json"> element: one top-level member per line
// (so golden files and diffs stay readable) and every '<' written as \u003c, so no string
// in the data can close the element. Invalid UTF-8 is replaced, never thrown.
std::string EmbedJson(const nlohmann::json& j);

}  // namespace healbench::report
