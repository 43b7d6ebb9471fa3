// timeseries.csv: one row per sampler interval, rendered from RunResult::timeseries (the
// same rows results.json holds under "timeseries"), for spreadsheets and plotting tools.
#pragma once

#include <string>

#include "reports/result_model.h"

namespace healbench::report {

// Columns, in order (also the header line).
inline constexpr const char* kTimeseriesCsvHeader =
    "t_s,phase,read_iops,write_iops,flush_iops,read_mib_s,write_mib_s,p50_ns,p99_ns,p999_ns,"
    "max_ns,inflight,oldest_inflight_age_s,errors,sync_state";

// Header line, then one line per IntervalRow, each ending in '\n'. Times and ages with 3
// decimals, IOPS with 1, MiB/s with 2, nanoseconds and counts as integers; text fields are
// quoted (RFC 4180) only when they hold a comma, quote or line break. An empty sync_state
// (no probe) is an empty field.
std::string TimeseriesCsv(const RunResult& r);

}  // namespace healbench::report
