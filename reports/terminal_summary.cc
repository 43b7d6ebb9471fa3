// Renders the terminal summary; see terminal_summary.h. Layout: a header line, the phase
// table, stalls, events, sync / derived figures, totals, integrity, SLO verdicts.
#include "reports/terminal_summary.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "reports/results_json.h"
#include "reports/text_format.h"

namespace healbench::report {
namespace {

constexpr std::size_t kMaxStallsListed = 5;
constexpr std::size_t kMaxEventsListed = 10;

// Columns padded to their widest cell, separated by two spaces, no trailing blanks.
class Table {
 public:
  // right_aligned[i]: whether column i is right-aligned (numbers) or left (text).
  explicit Table(std::vector<bool> right_aligned) : right_(std::move(right_aligned)) {}

  void AddRow(std::vector<std::string> cells) {
    cells.resize(right_.size());
    rows_.push_back(std::move(cells));
  }

  std::string Render(const std::string& indent) const {
    std::vector<std::size_t> width(right_.size(), 0);
    for (const auto& row : rows_) {
      for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    }
    std::string out;
    for (const auto& row : rows_) {
      std::string line = indent;
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (i > 0) line += "  ";
        std::string pad(width[i] - row[i].size(), ' ');
        line += right_[i] ? pad + row[i] : row[i] + pad;
      }
      line.erase(line.find_last_not_of(' ') + 1);
      out += line + '\n';
    }
    return out;
  }

 private:
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

std::string Seconds(std::optional<double> s) { return s ? FormatDurationS(*s) : "n/a"; }

// A point in the run's timeline (not a duration), e.g. "20.15s".
std::string At(double t_s, int decimals) { return FormatFixed(t_s, decimals) + "s"; }

// A count or ratio: integers without decimals, others with two.
std::string Number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) return FormatFixed(v, 0);
  return FormatFixed(v, 2);
}

std::string Count(std::optional<std::uint64_t> v) { return v ? std::to_string(*v) : "n/a"; }

std::string Join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

std::string RunName(const RunResult& r) {
  const nlohmann::json& s = r.context.scenario;
  if (s.is_object() && s.contains("run") && s["run"].is_object() && s["run"].contains("name") &&
      s["run"]["name"].is_string()) {
    return s["run"]["name"].get<std::string>();
  }
  return "(unnamed run)";
}

std::string Header(const RunResult& r) {
  std::string line = "healbench run " + RunName(r) + " | backend " +
                     (r.context.backend.empty() ? "?" : r.context.backend) + " | seed " +
                     std::to_string(r.context.seed) + " | " + std::to_string(r.context.threads) +
                     " threads | duration " + FormatDurationS(r.duration_s);
  if (r.interrupted) line += " | INTERRUPTED";
  line += '\n';
  if (!r.images.empty()) line += "images: " + Join(r.images, ", ") + '\n';
  return line;
}

std::string PhaseTable(const RunResult& r) {
  if (r.phases.empty()) return "phases: none\n";
  Table t({false, false, false, true, true, true, true, true, true, true, true});
  t.AddRow({"phase", "span", "op", "ios", "IOPS", "MiB/s", "p50", "p99", "p99.9", "max", "errors"});
  for (const Phase& p : r.phases) {
    std::string name = p.name;
    std::string span = FormatFixed(p.start_s, 1) + "-" + FormatFixed(p.end_s, 1) + "s";
    bool any = false;
    for (int op = 0; op < 3; ++op) {
      const PhaseOpStats& s = p.ops[op];
      if (s.ios == 0 && s.errors == 0) continue;  // e.g. no flushes in a read-only profile
      const LatencySummary& l = s.latency_ns;
      t.AddRow({name, span, kOpNames[op], std::to_string(s.ios), FormatFixed(s.iops, 1),
                FormatFixed(s.mib_s, 2), FormatDurationNs(l.p50), FormatDurationNs(l.p99),
                FormatDurationNs(l.p999), FormatDurationNs(l.max), std::to_string(s.errors)});
      name.clear();  // phase and span only on its first line
      span.clear();
      any = true;
    }
    if (!any) t.AddRow({name, span, "(no I/O)"});
  }
  return t.Render("");
}

std::string EventLabel(const RunResult& r, int id) {
  for (const Event& e : r.events) {
    if (e.id == id) return "#" + std::to_string(id) + " " + Join({e.action, e.node}, " ");
  }
  return "#" + std::to_string(id);
}

std::string StallDuration(const StallEntry& s) {
  return (s.open ? ">=" : "") + FormatDurationS(s.duration_s);
}

std::string MaxStall(const std::vector<StallEntry>& stalls) {
  double max_s = 0;
  for (const StallEntry& s : stalls) max_s = std::max(max_s, s.duration_s);
  return FormatDurationS(max_s);
}

std::string Stalls(const RunResult& r) {
  std::string out = "stalls: " + std::to_string(r.stalls.size());
  if (!r.stalls.empty()) out += ", max " + MaxStall(r.stalls);
  out += "; longest completion gap " + Seconds(r.derived.longest_completion_gap_s) + '\n';
  if (r.stalls.empty()) return out;

  std::vector<std::string> by_op;
  for (const char* op : kOpNames) {
    auto it = r.stalls_by_op.find(op);
    if (it == r.stalls_by_op.end() || it->second.empty()) {
      by_op.push_back(std::string(op) + " 0");
    } else {
      by_op.push_back(std::string(op) + " " + std::to_string(it->second.size()) + " (max " +
                      MaxStall(it->second) + ")");
    }
  }
  out += "  by op: " + Join(by_op, ", ") + '\n';

  Table t({false, true, false, true, true, false, false, false, false});
  t.AddRow({"start", "duration", "", "slow I/Os", "inflight", "ops", "phase", "images", "cause"});
  for (std::size_t i = 0; i < r.stalls.size() && i < kMaxStallsListed; ++i) {
    const StallEntry& s = r.stalls[i];
    t.AddRow({At(s.start_s, 2), StallDuration(s), s.open ? "OPEN" : "", std::to_string(s.slow_ios),
              std::to_string(s.inflight_max), Join(s.ops, ","), s.phase, Join(s.images, ","),
              s.cause ? EventLabel(r, *s.cause) : "-"});
  }
  out += t.Render("  ");
  if (r.stalls.size() > kMaxStallsListed) {
    out += "  (+" + std::to_string(r.stalls.size() - kMaxStallsListed) + " more)\n";
  }
  return out;
}

std::string Events(const RunResult& r) {
  if (r.events.empty()) return "";
  std::string out = "events: " + std::to_string(r.events.size()) + '\n';
  Table t({true, true, false, false, false, false, true, false});
  for (std::size_t i = 0; i < r.events.size() && i < kMaxEventsListed; ++i) {
    const Event& e = r.events[i];
    std::string took = e.end_s ? FormatDurationS(*e.end_s - e.t_s) : "";
    t.AddRow({"#" + std::to_string(e.id), At(e.t_s, 2), e.kind, e.action, e.node,
              e.ok ? "ok" : "FAILED", took, e.ok ? "" : e.detail});
  }
  out += t.Render("  ");
  if (r.events.size() > kMaxEventsListed) {
    out += "  (+" + std::to_string(r.events.size() - kMaxEventsListed) + " more)\n";
  }
  return out;
}

std::string SyncAndDerived(const RunResult& r) {
  std::string out;
  if (!r.sync_probe.empty()) {
    out += "sync (" + r.sync_probe + "): ";
    if (r.sync_samples.empty()) {
      out += "no samples\n";
    } else {
      const SyncSample& last = r.sync_samples.back();
      out += std::to_string(r.sync_samples.size()) + " samples, last " + last.state + " at " +
             At(last.t_s, 2) + '\n';
    }
  }
  const Derived& d = r.derived;
  out += "failover " + Seconds(d.failover_latency_s) + " | time to in-sync " +
         Seconds(d.time_to_in_sync_s) + " | heal stall max " + Seconds(d.heal_stall_max_s) +
         " | degraded IOPS ratio " +
         (d.degraded_iops_ratio ? FormatFixed(*d.degraded_iops_ratio, 2) : "n/a") + '\n';
  if (d.expected_stall_s) {
    out += "expected stall at a silent fault " + Seconds(d.expected_stall_s) + " (" +
           d.expected_stall_basis.value_or("") + "), measured max stall " + Seconds(d.max_stall_s) +
           '\n';
  }
  return out;
}

std::string Totals(const RunResult& r) {
  std::vector<std::string> ios, errors;
  std::uint64_t error_count = 0;
  for (int op = 0; op < 3; ++op) {
    const OpTotals& t = r.totals[op];
    ios.push_back(std::string(kOpNames[op]) + " " + std::to_string(t.ios) + " (" +
                  FormatBytes(t.bytes) + ")");
    errors.push_back(std::string(kOpNames[op]) + " " + std::to_string(t.errors));
    error_count += t.errors;
  }
  return "ios: " + Join(ios, ", ") + '\n' + "errors: " + std::to_string(error_count) + " (" +
         Join(errors, ", ") + ")\n";
}

std::string IntegrityLine(const RunResult& r) {
  const Integrity& in = r.integrity;
  if (!in.checked_blocks && !in.lost_writes && !in.stale_reads && !in.torn_blocks &&
      !in.misdirected && !in.diverged_blocks) {
    return "integrity: not verified\n";
  }
  std::uint64_t bad = in.lost_writes.value_or(0) + in.stale_reads.value_or(0) +
                      in.torn_blocks.value_or(0) + in.misdirected.value_or(0) +
                      in.diverged_blocks.value_or(0);
  return std::string("integrity: ") + (bad == 0 ? "OK" : "DAMAGED") + " | checked " +
         Count(in.checked_blocks) + " | lost writes " + Count(in.lost_writes) + " | stale reads " +
         Count(in.stale_reads) + " | torn " + Count(in.torn_blocks) + " | misdirected " +
         Count(in.misdirected) + " | diverged " + Count(in.diverged_blocks) + '\n';
}

std::string SloValue(const SloCheck& c, double v) {
  return c.unit == "s" ? FormatDurationS(v) : Number(v) + (c.unit.empty() ? "" : " " + c.unit);
}

std::string Slo(const RunResult& r) {
  if (r.slo_checks.empty()) return "slo: no checks\n";
  std::string out = std::string("slo: ") + (SloPass(r) ? "PASS" : "FAIL") + '\n';
  Table t({false, false, true, true});
  t.AddRow({"", "check", "value", "limit"});
  for (const SloCheck& c : r.slo_checks) {
    std::string verdict = !c.pass ? "n/a" : (*c.pass ? "PASS" : "FAIL");
    t.AddRow({verdict, c.name, c.value ? SloValue(c, *c.value) : "-", SloValue(c, c.limit)});
  }
  return out + t.Render("  ");
}

}  // namespace

// A fleet run: each rank's own figures, then the stretches where ranks stalled together.
std::string FleetSection(const RunResult& r) {
  if (!r.fleet) return "";
  const Fleet& f = *r.fleet;
  std::string out =
      "fleet: " + std::to_string(f.ranks) + " ranks (figures above are the whole " + "fleet's)\n";
  Table t({true, false, false, true, true, true, false});
  t.AddRow({"rank", "host", "status", "IOPS", "stalls", "max stall", "images"});
  for (const FleetRank& fr : f.per_rank) {
    if (!fr.result) {
      t.AddRow({std::to_string(fr.rank), fr.host, fr.status, "-", "-", "-", "-"});
      continue;
    }
    std::uint64_t ios = 0;
    for (const OpTotals& o : fr.result->totals) ios += o.ios;
    const double secs = std::max(1e-9, fr.result->duration_s);
    t.AddRow({std::to_string(fr.rank), fr.host, fr.status,
              Number(std::round(static_cast<double>(ios) / secs)),
              std::to_string(fr.result->stalls.size()), MaxStall(fr.result->stalls),
              std::to_string(fr.result->images.size())});
  }
  out += t.Render("  ");
  out += "  fleet stalls (" + std::to_string(f.stall_min_ranks) + "+ of " +
         std::to_string(f.ranks) + " ranks stalled at once): " + std::to_string(f.stalls.size()) +
         '\n';
  Table st({false, true, false});
  for (std::size_t i = 0; i < f.stalls.size() && i < kMaxStallsListed; ++i) {
    const FleetStall& s = f.stalls[i];
    std::vector<std::string> ranks;
    for (int rank : s.ranks) ranks.push_back(std::to_string(rank));
    st.AddRow({At(s.start_s, 2), FormatDurationS(s.duration_s), "ranks " + Join(ranks, ",")});
  }
  if (!f.stalls.empty()) out += st.Render("    ");
  return out;
}

std::string TerminalSummary(const RunResult& r) {
  std::string out = Header(r);
  out += '\n' + PhaseTable(r);
  out += '\n' + Stalls(r);
  if (!r.events.empty()) out += '\n' + Events(r);
  out += '\n' + SyncAndDerived(r);
  out += Totals(r);
  out += IntegrityLine(r);
  if (r.fleet) out += '\n' + FleetSection(r);
  out += '\n' + Slo(r);
  return out;
}

}  // namespace healbench::report
