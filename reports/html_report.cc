// Renders report.html; see html_report.h. Sections in reading order: header with verdict,
// SLO checks, key figures, timeline (drawn by script), phases, distributions, stalls,
// events, integrity.
#include "reports/html_report.h"

#include <algorithm>
#include <vector>

#include "reports/html_page.h"
#include "reports/report_data.h"
#include "reports/results_json.h"
#include "reports/text_format.h"

namespace healbench::report {
namespace {

std::string NaOr(const std::optional<double>& v, std::string (*fmt)(double)) {
  return v ? fmt(*v) : "n/a";
}
std::string Seconds(double s) { return FormatDurationS(s); }
std::string Ratio(double v) { return FormatFixed(v, 3); }
std::string Count(std::uint64_t v) { return std::to_string(v); }

// One table row; cells are escaped here. The first `left` cells are left-aligned (text).
std::string Row(const std::vector<std::string>& cells, std::size_t left = 1, const char* tag = "td",
                const char* row_class = nullptr) {
  std::string out = row_class ? std::string("<tr class=\"") + row_class + "\">" : "<tr>";
  for (std::size_t i = 0; i < cells.size(); ++i) {
    out += std::string("<") + tag + (i < left ? " class=\"l\">" : ">") + HtmlEscape(cells[i]) +
           "</" + tag + ">";
  }
  return out + "</tr>\n";
}

std::string MetaItem(const std::string& name, const std::string& value) {
  return "<div><dt>" + HtmlEscape(name) + "</dt><dd>" + HtmlEscape(value) + "</dd></div>\n";
}

std::string Verdict(std::optional<bool> pass) {
  if (!pass) return "<span class=\"verdict na\">n/a</span>";
  return *pass ? "<span class=\"verdict pass\">PASS</span>"
               : "<span class=\"verdict fail\">FAIL</span>";
}

std::string Header(const RunResult& r) {
  const Context& c = r.context;
  std::string out = "<header>\n<h1>healbench report: " + HtmlEscape(RunName(r)) + "</h1>\n";
  out += "<dl class=\"meta\">\n";
  out += MetaItem("backend", c.backend.empty() ? "unknown" : c.backend);
  out += MetaItem("seed", std::to_string(c.seed));
  out += MetaItem("build", c.version + " (git " + c.git_sha + ", " + c.build_type + ")");
  out +=
      MetaItem("duration", FormatDurationS(r.duration_s) + (r.interrupted ? " (interrupted)" : ""));
  out += MetaItem("started", c.started_at);
  out += MetaItem("host", c.host + " (" + c.kernel + ")");
  std::string images = std::to_string(r.images.size());
  for (std::size_t i = 0; i < r.images.size() && i < 8; ++i) {
    images += (i == 0 ? " (" : ", ") + r.images[i];
  }
  if (!r.images.empty()) images += r.images.size() > 8 ? ", …)" : ")";
  out += MetaItem("images", images);
  out += MetaItem("threads", std::to_string(c.threads));
  out += MetaItem("sync probe", r.sync_probe.empty() ? "none" : r.sync_probe);
  out += "<div><dt>SLO</dt><dd>" + Verdict(SloPass(r)) + "</dd></div>\n</dl>\n</header>\n";
  return out;
}

std::string SloSection(const RunResult& r) {
  std::string out = "<section id=\"slo\">\n<h2>SLO verdicts</h2>\n";
  if (r.slo_checks.empty())
    return out + "<p class=\"note\">No SLO checks configured.</p>\n</section>\n";
  out += "<table>\n" + Row({"check", "limit", "value", "verdict"}, 1, "th");
  for (const SloCheck& c : r.slo_checks) {
    auto fmt = [&](double v) {
      return c.unit == "s"
                 ? FormatDurationS(v)
                 : FormatFixed(v, v == static_cast<double>(static_cast<std::int64_t>(v)) ? 0 : 3);
    };
    out += "<tr><td class=\"l\">" + HtmlEscape(c.name) + "</td><td>" + HtmlEscape(fmt(c.limit)) +
           "</td><td>" + HtmlEscape(c.value ? fmt(*c.value) : "n/a") + "</td><td>" +
           Verdict(c.pass) + "</td></tr>\n";
  }
  return out + "</table>\n</section>\n";
}

std::string KeyFigures(const RunResult& r) {
  const Derived& d = r.derived;
  std::string out = "<section id=\"figures\">\n<h2>Key figures</h2>\n<table>\n";
  out += Row({"max stall", NaOr(d.max_stall_s, Seconds)});
  out += Row({"longest gap between completions", NaOr(d.longest_completion_gap_s, Seconds)});
  out += Row({"failover latency (fault to first completion after its stall)",
              NaOr(d.failover_latency_s, Seconds)});
  out += Row({"longest stall while healing", NaOr(d.heal_stall_max_s, Seconds)});
  out += Row(
      {"time to in sync (reconnect to first in_sync sample)", NaOr(d.time_to_in_sync_s, Seconds)});
  out += Row({"degraded IOPS / baseline IOPS", NaOr(d.degraded_iops_ratio, Ratio)});
  for (int op = 0; op < 3; ++op) {
    out += Row({std::string(kOpNames[op]) + " total", Count(r.totals[op].ios) + " I/Os, " +
                                                          FormatBytes(r.totals[op].bytes) + ", " +
                                                          Count(r.totals[op].errors) + " errors"});
  }
  return out + "</table>\n</section>\n";
}

std::string Timeline() {
  return "<section id=\"timeline\">\n<h2>Timeline</h2>\n"
         "<p class=\"note\">Shaded bands are phases; dashed black lines are faults; red shading "
         "and bars are stalls. Time axis shared by every chart.</p>\n"
         "<div id=\"charts\"><noscript>The charts need JavaScript; the tables below do "
         "not.</noscript></div>\n</section>\n";
}

std::string PhaseTable(const RunResult& r) {
  std::string out = "<section id=\"phases\">\n<h2>Phases</h2>\n";
  if (r.phases.empty()) return out + "<p class=\"note\">No phases recorded.</p>\n</section>\n";
  out += "<table>\n" +
         Row({"phase", "op", "I/Os", "IOPS", "MiB/s", "errors", "p50", "p99", "p99.9", "max"}, 2,
             "th");
  for (const Phase& p : r.phases) {
    bool first = true;
    for (int op = 0; op < 3; ++op) {
      const PhaseOpStats& s = p.ops[op];
      if (s.ios == 0 && s.errors == 0) continue;
      const LatencySummary& l = s.latency_ns;
      out += Row(
          {first ? p.name + " (" + FormatFixed(p.start_s, 1) + "–" + FormatFixed(p.end_s, 1) + " s)"
                 : "",
           kOpNames[op], Count(s.ios), FormatFixed(s.iops, 1), FormatFixed(s.mib_s, 2),
           Count(s.errors), FormatDurationNs(l.p50), FormatDurationNs(l.p99),
           FormatDurationNs(l.p999), FormatDurationNs(l.max)},
          2, "td", first ? "group" : nullptr);
      first = false;
    }
    if (first) out += Row({p.name, "(no I/O)"}, 2, "td", "group");
  }
  out += "</table>\n</section>\n";
  out +=
      "<section id=\"distributions\">\n<h2>Latency distribution per phase</h2>\n"
      "<p class=\"note\">Share of I/Os slower than a latency, from the raw histogram bins "
      "(log-log). A line crosses 1% at that op's p99 and 0.1% at its p99.9.</p>\n"
      "<div id=\"dists\" class=\"dists\"></div>\n</section>\n";
  return out;
}

std::string StallSection(const RunResult& r) {
  std::string out = "<section id=\"stalls\">\n<h2>Stalls</h2>\n";
  if (r.stalls.empty()) {
    return out +
           "<p class=\"note\">No stalls: no I/O took longer than the stall "
           "threshold.</p>\n</section>\n";
  }
  out += "<table>\n" + Row({"#", "start", "end", "duration", "ops", "images", "phase",
                            "in flight (max)", "slow I/Os", "cause"},
                           0, "th");
  int n = 0;
  for (const StallEntry& s : r.stalls) {
    std::string cause = "n/a";
    if (s.cause) {
      cause = "#" + std::to_string(*s.cause);
      for (const Event& e : r.events) {
        if (e.id == *s.cause) cause += " " + e.action + (e.node.empty() ? "" : " " + e.node);
      }
    }
    std::string ops, images;
    for (const auto& o : s.ops) ops += (ops.empty() ? "" : ", ") + o;
    for (const auto& i : s.images) images += (images.empty() ? "" : ", ") + i;
    out +=
        Row({std::to_string(++n), FormatFixed(s.start_s, 3) + " s", FormatFixed(s.end_s, 3) + " s",
             FormatDurationS(s.duration_s) + (s.open ? " (still open at the end)" : ""), ops,
             images, s.phase, std::to_string(s.inflight_max), std::to_string(s.slow_ios), cause},
            0);
  }
  return out + "</table>\n</section>\n";
}

// A fleet run: each rank's own figures and the stretches where ranks stalled together.
std::string FleetSection(const RunResult& r) {
  if (!r.fleet) return "";
  const Fleet& f = *r.fleet;
  std::string out = "<section id=\"fleet\">\n<h2>Fleet: " + std::to_string(f.ranks) +
                    " ranks</h2>\n<p class=\"note\">Every other figure in this report is the "
                    "whole fleet's. Each rank's own results: OUT/ranks/rank-N/ on its host.</p>\n";
  out += "<table>\n" +
         Row({"rank", "host", "status", "I/Os", "IOPS", "stalls", "max stall", "detail"}, 3, "th");
  for (const FleetRank& fr : f.per_rank) {
    if (!fr.result) {
      out += Row({std::to_string(fr.rank), fr.host, fr.status, "-", "-", "-", "-", fr.error}, 3);
      continue;
    }
    std::uint64_t ios = 0;
    for (const OpTotals& o : fr.result->totals) ios += o.ios;
    double max_stall = 0;
    for (const StallEntry& s : fr.result->stalls) max_stall = std::max(max_stall, s.duration_s);
    out += Row({std::to_string(fr.rank), fr.host, fr.status, Count(ios),
                FormatFixed(static_cast<double>(ios) / std::max(1e-9, fr.result->duration_s), 0),
                std::to_string(fr.result->stalls.size()), FormatDurationS(max_stall), fr.error},
               3);
  }
  out += "</table>\n<h3>Fleet stalls (" + std::to_string(f.stall_min_ranks) + " or more of " +
         std::to_string(f.ranks) + " ranks stalled at once)</h3>\n";
  if (f.stalls.empty()) return out + "<p class=\"note\">None.</p>\n</section>\n";
  out += "<table>\n" + Row({"start", "end", "duration", "ranks"}, 0, "th");
  for (const FleetStall& s : f.stalls) {
    std::string ranks;
    for (int rank : s.ranks) ranks += (ranks.empty() ? "" : ", ") + std::to_string(rank);
    out += Row({FormatFixed(s.start_s, 3) + " s", FormatFixed(s.end_s, 3) + " s",
                FormatDurationS(s.duration_s), ranks},
               0);
  }
  return out + "</table>\n</section>\n";
}

std::string EventSection(const RunResult& r) {
  std::string out = "<section id=\"events\">\n<h2>Events</h2>\n";
  if (r.events.empty()) return out + "<p class=\"note\">No events.</p>\n</section>\n";
  out += "<table>\n" + Row({"#", "at", "until", "kind", "action", "node", "ok", "detail"}, 0, "th");
  for (const Event& e : r.events) {
    out += "<tr><td>" + std::to_string(e.id) + "</td><td>" + FormatFixed(e.t_s, 3) + " s</td><td>" +
           (e.end_s ? FormatFixed(*e.end_s, 3) + " s" : "") + "</td><td class=\"l\">" +
           HtmlEscape(e.kind) + "</td><td class=\"l\">" + HtmlEscape(e.action) +
           "</td><td class=\"l\">" + HtmlEscape(e.node) + "</td><td class=\"l\">" +
           (e.ok ? "ok" : "<span class=\"verdict fail\">failed</span>") + "</td><td class=\"l\">" +
           HtmlEscape(e.detail) + "</td></tr>\n";
  }
  return out + "</table>\n</section>\n";
}

std::string IntegritySection(const RunResult& r) {
  const Integrity& in = r.integrity;
  std::string out = "<section id=\"integrity\">\n<h2>Integrity</h2>\n";
  if (!in.checked_blocks) {
    return out +
           "<p class=\"note\">Not checked: write verification was off in this "
           "run.</p>\n</section>\n";
  }
  auto opt = [](const std::optional<std::uint64_t>& v) { return v ? Count(*v) : "n/a"; };
  const std::pair<const char*, const std::optional<std::uint64_t>*> rows[] = {
      {"checked blocks", &in.checked_blocks}, {"lost writes", &in.lost_writes},
      {"stale reads", &in.stale_reads},       {"torn blocks", &in.torn_blocks},
      {"misdirected", &in.misdirected},       {"diverged blocks", &in.diverged_blocks}};
  bool clean = true;
  out += "<table>\n";
  for (std::size_t i = 0; i < std::size(rows); ++i) {
    out += Row({rows[i].first, opt(*rows[i].second)});
    if (i > 0 && rows[i].second->value_or(0) > 0) clean = false;
  }
  out += "</table>\n<p>" +
         std::string(clean ? "<span class=\"verdict pass\">no data lost or corrupted</span>"
                           : "<span class=\"verdict fail\">data lost or corrupted</span>") +
         "</p>\n</section>\n";
  return out;
}

}  // namespace

std::string RunName(const RunResult& r) {
  const nlohmann::json& s = r.context.scenario;
  if (s.is_object() && s.contains("run") && s["run"].is_object() && s["run"].contains("name") &&
      s["run"]["name"].is_string()) {
    return s["run"]["name"].get<std::string>();
  }
  return "run";
}

std::string HtmlReport(const RunResult& r) {
  std::string out = HtmlPageStart("healbench: " + RunName(r) + " (" + r.context.backend + ")");
  out += Header(r);
  out += SloSection(r);
  out += KeyFigures(r);
  out += Timeline();
  out += PhaseTable(r);
  out += StallSection(r);
  out += FleetSection(r);
  out += EventSection(r);
  out += IntegritySection(r);
  out += "<footer class=\"note\"><p>Made by healbench " + HtmlEscape(r.context.version) +
         " from results.json (schema " + kSchema +
         "). Self-contained: opens offline, loads nothing from the network.</p></footer>\n";
  out += HtmlPageEnd(ReportData(r));
  return out;
}

}  // namespace healbench::report
