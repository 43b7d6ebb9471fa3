// Renders the interval time series as CSV; see timeseries_csv.h.
#include "reports/timeseries_csv.h"

#include <string_view>

#include "reports/text_format.h"

namespace healbench::report {
namespace {

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

std::string TimeseriesCsv(const RunResult& r) {
  std::string out = kTimeseriesCsvHeader;
  out += '\n';
  for (const IntervalRow& row : r.timeseries) {
    const std::string fields[] = {FormatFixed(row.t_s, 3),
                                  CsvField(row.phase),
                                  FormatFixed(row.read_iops, 1),
                                  FormatFixed(row.write_iops, 1),
                                  FormatFixed(row.flush_iops, 1),
                                  FormatFixed(row.read_mib_s, 2),
                                  FormatFixed(row.write_mib_s, 2),
                                  std::to_string(row.p50_ns),
                                  std::to_string(row.p99_ns),
                                  std::to_string(row.p999_ns),
                                  std::to_string(row.max_ns),
                                  std::to_string(row.inflight),
                                  FormatFixed(row.oldest_inflight_age_s, 3),
                                  std::to_string(row.errors),
                                  CsvField(row.sync_state)};
    bool first = true;
    for (const std::string& f : fields) {
      if (!first) out += ',';
      out += f;
      first = false;
    }
    out += '\n';
  }
  return out;
}

}  // namespace healbench::report
