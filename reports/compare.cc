// Builds the compare rows and renders them as a text table and as JSON; see compare.h.
#include "reports/compare.h"

#include <algorithm>

#include "reports/html_report.h"
#include "reports/results_json.h"
#include "reports/text_format.h"

namespace healbench::report {
namespace {

std::vector<std::string> PhaseNames(const std::vector<RunResult>& runs) {
  std::vector<std::string> names = {"baseline", "degraded", "healing", "recovered"};
  std::vector<std::string> seen;
  for (const RunResult& r : runs) {
    for (const Phase& p : r.phases) {
      if (std::find(seen.begin(), seen.end(), p.name) == seen.end()) seen.push_back(p.name);
    }
  }
  std::vector<std::string> out;
  for (const auto& n : names) {
    if (std::find(seen.begin(), seen.end(), n) != seen.end()) out.push_back(n);
  }
  for (const auto& n : seen) {
    if (std::find(names.begin(), names.end(), n) == names.end()) out.push_back(n);
  }
  return out;
}

void MarkBest(CompareRow* row) {
  std::vector<double> present;
  for (const auto& v : row->values) {
    if (v) present.push_back(*v);
  }
  if (present.size() < 2) return;
  const auto [lo, hi] = std::minmax_element(present.begin(), present.end());
  if (*lo == *hi) return;
  const double best = row->higher_is_better ? *hi : *lo;
  for (std::size_t i = 0; i < row->values.size(); ++i) {
    if (row->values[i] && *row->values[i] == best) row->best.push_back(i);
  }
}

template <typename Get>
CompareRow MakeRow(const std::vector<RunResult>& runs, std::string metric, std::string label,
                   std::string unit, bool higher_is_better, Get get) {
  CompareRow row{std::move(metric), std::move(label), std::move(unit), higher_is_better, {}, {}};
  for (const RunResult& r : runs) row.values.push_back(get(r));
  MarkBest(&row);
  return row;
}

std::string Pad(const std::string& s, std::size_t width, bool right) {
  // Width in characters, not bytes, so labels with UTF-8 still line up.
  std::size_t chars = 0;
  for (unsigned char c : s) chars += (c & 0xC0) != 0x80 ? 1 : 0;
  std::string pad(width > chars ? width - chars : 0, ' ');
  return right ? pad + s : s + pad;
}

std::size_t Chars(const std::string& s) {
  std::size_t chars = 0;
  for (unsigned char c : s) chars += (c & 0xC0) != 0x80 ? 1 : 0;
  return chars;
}

}  // namespace

std::vector<CompareRow> CompareRows(const std::vector<RunResult>& runs) {
  using Opt = std::optional<double>;
  std::vector<CompareRow> rows;
  rows.push_back(MakeRow(runs, "max_stall_s", "max stall", "s", false,
                         [](const RunResult& r) { return r.derived.max_stall_s; }));
  rows.push_back(MakeRow(runs, "failover_latency_s", "failover latency", "s", false,
                         [](const RunResult& r) { return r.derived.failover_latency_s; }));
  rows.push_back(MakeRow(runs, "heal_stall_max_s", "heal stall", "s", false,
                         [](const RunResult& r) { return r.derived.heal_stall_max_s; }));
  rows.push_back(MakeRow(runs, "time_to_in_sync_s", "time to in sync", "s", false,
                         [](const RunResult& r) { return r.derived.time_to_in_sync_s; }));
  rows.push_back(MakeRow(runs, "degraded_iops_ratio", "degraded IOPS ratio", "ratio", true,
                         [](const RunResult& r) { return r.derived.degraded_iops_ratio; }));
  for (const std::string& phase : PhaseNames(runs)) {
    rows.push_back(MakeRow(runs, "iops." + phase, "IOPS, " + phase, "iops", true,
                           [&](const RunResult& r) -> Opt {
                             for (const Phase& p : r.phases) {
                               if (p.name == phase) return p.ops[0].iops + p.ops[1].iops;
                             }
                             return std::nullopt;
                           }));
  }
  for (const std::string& phase : PhaseNames(runs)) {
    for (int op = 0; op < 2; ++op) {
      rows.push_back(MakeRow(runs, std::string("p99_ns.") + kOpNames[op] + "." + phase,
                             std::string("p99 ") + kOpNames[op] + ", " + phase, "ns", false,
                             [&](const RunResult& r) -> Opt {
                               for (const Phase& p : r.phases) {
                                 if (p.name == phase && p.ops[op].ios > 0) {
                                   return static_cast<double>(p.ops[op].latency_ns.p99);
                                 }
                               }
                               return std::nullopt;
                             }));
    }
  }
  rows.push_back(
      MakeRow(runs, "lost_writes", "lost writes", "count", false, [](const RunResult& r) -> Opt {
        if (!r.integrity.lost_writes) return std::nullopt;
        return static_cast<double>(*r.integrity.lost_writes);
      }));
  rows.push_back(MakeRow(runs, "damaged_blocks", "stale/torn/diverged blocks", "count", false,
                         [](const RunResult& r) -> Opt {
                           const Integrity& in = r.integrity;
                           if (!in.stale_reads) return std::nullopt;
                           return static_cast<double>(*in.stale_reads + in.torn_blocks.value_or(0) +
                                                      in.misdirected.value_or(0) +
                                                      in.diverged_blocks.value_or(0));
                         }));
  rows.push_back(MakeRow(runs, "slo_pass", "SLO pass", "pass", true,
                         [](const RunResult& r) -> Opt { return SloPass(r) ? 1.0 : 0.0; }));
  return rows;
}

std::string FormatCompareValue(const CompareRow& row, const std::optional<double>& v) {
  if (!v) return "n/a";
  if (row.unit == "s") return FormatDurationS(*v);
  if (row.unit == "ns") return FormatDurationNs(static_cast<std::int64_t>(*v));
  if (row.unit == "ratio") return FormatFixed(*v, 3);
  if (row.unit == "pass") return *v != 0 ? "pass" : "fail";
  return FormatFixed(*v, 0);
}

std::string CompareTable(const std::vector<RunResult>& runs,
                         const std::vector<std::string>& labels) {
  const std::vector<CompareRow> rows = CompareRows(runs);
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> header = {"metric"};
  header.insert(header.end(), labels.begin(), labels.end());
  cells.push_back(header);
  for (const CompareRow& row : rows) {
    std::vector<std::string> line = {row.label};
    for (std::size_t i = 0; i < row.values.size(); ++i) {
      const bool best = std::find(row.best.begin(), row.best.end(), i) != row.best.end();
      // Non-best values get a trailing blank so the digits of a column line up.
      line.push_back(FormatCompareValue(row, row.values[i]) + (best ? "*" : " "));
    }
    cells.push_back(std::move(line));
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& line : cells) {
    for (std::size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], Chars(line[i]));
  }
  std::string out;
  for (std::size_t r = 0; r < cells.size(); ++r) {
    std::string line;
    for (std::size_t i = 0; i < cells[r].size(); ++i) {
      if (i > 0) line += "  ";
      // Header labels align with the values' digits, not their '*' column.
      std::string cell = (r == 0 && i > 0) ? cells[r][i] + " " : cells[r][i];
      line += Pad(cell, width[i], i > 0);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  out += "* best value in the row; n/a: not applicable or not measured in that run\n";
  return out;
}

nlohmann::json CompareJson(const std::vector<RunResult>& runs,
                           const std::vector<std::string>& labels) {
  nlohmann::json jruns = nlohmann::json::array();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunResult& r = runs[i];
    jruns.push_back({{"label", i < labels.size() ? labels[i] : RunName(r)},
                     {"scenario", RunName(r)},
                     {"backend", r.context.backend},
                     {"seed", r.context.seed},
                     {"duration_s", r.duration_s},
                     {"slo_pass", SloPass(r)}});
  }
  nlohmann::json jrows = nlohmann::json::array();
  for (const CompareRow& row : CompareRows(runs)) {
    nlohmann::json values = nlohmann::json::array();
    for (const auto& v : row.values) {
      if (!v) {
        values.push_back(nullptr);
      } else if (row.unit == "pass") {
        values.push_back(*v != 0);
      } else if (row.unit == "ns" || row.unit == "count") {
        values.push_back(static_cast<std::int64_t>(*v));
      } else {
        values.push_back(*v);
      }
    }
    jrows.push_back({{"metric", row.metric},
                     {"label", row.label},
                     {"unit", row.unit},
                     {"better", row.higher_is_better ? "higher" : "lower"},
                     {"values", std::move(values)},
                     {"best", row.best}});
  }
  return {{"runs", std::move(jruns)}, {"rows", std::move(jrows)}};
}

}  // namespace healbench::report
