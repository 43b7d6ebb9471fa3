// Result assembly. See result_assembly.h.
#include "harness/run/result_assembly.h"

#include <algorithm>

#include "harness/faults/injector.h"

namespace healbench {
namespace {

report::LatencySummary Summarize(const LatencyHistogram& h) {
  return {h.Percentile(0.50),
          h.Percentile(0.90),
          h.Percentile(0.99),
          h.Percentile(0.999),
          h.Max(),
          h.Mean()};
}

report::StallEntry ToEntry(const Stall& s, const AssemblyInput& in, const report::RunResult& r) {
  report::StallEntry e;
  e.start_s = NsToSeconds(s.start_ns - in.run_start_ns);
  e.end_s = NsToSeconds(s.end_ns - in.run_start_ns);
  e.duration_s = NsToSeconds(s.end_ns - s.start_ns);
  e.open = s.open;
  e.slow_ios = s.ios;
  static const char* kOps[kReportedOps] = {"read", "write", "flush"};
  for (int op = 0; op < kReportedOps; ++op) {
    if (s.ops[op]) e.ops.push_back(kOps[op]);
  }
  for (std::uint32_t i : s.images)
    e.images.push_back(i < in.image_names.size() ? in.image_names[i] : std::to_string(i));
  // The phase the stall was felt in: where it crossed the threshold (an I/O submitted just
  // before a fault starts the stall a moment before the phase changes).
  const Nanos rel =
      s.start_ns - in.run_start_ns + std::min(in.stall_threshold_ns, s.end_ns - s.start_ns);
  for (const PhaseSpan& p : in.phases) {
    if (rel >= p.start_ns) e.phase = p.name;
  }
  // In-flight peak: the largest per-interval peak among the intervals the stall touches.
  for (const report::IntervalRow& row : r.timeseries) {
    const double row_start =
        row.t_s - (r.timeseries.size() > 1 ? r.timeseries[1].t_s - r.timeseries[0].t_s : row.t_s);
    if (row.t_s >= e.start_s && row_start <= e.end_s)
      e.inflight_max = std::max(e.inflight_max, row.inflight);
  }
  // Cause: the nearest fault action before the stall became one. An I/O submitted just
  // before a freeze starts the stall a moment before the fault's event, so the stall counts
  // from when it crossed the threshold.
  const double seen_s = e.start_s + NsToSeconds(in.stall_threshold_ns);
  for (const report::Event& ev : r.events) {
    if (ev.t_s <= seen_s && ev.kind == "fault") e.cause = ev.id;
  }
  return e;
}

double DataIops(const report::Phase& p) { return p.ops[0].iops + p.ops[1].iops; }

// Figures that exist only when the run had faults: failover latency, the longest stall while
// healing, and how much throughput was left while degraded.
void DeriveFaultFigures(report::RunResult* r) {
  // Failover: from the first disruptive fault to the end of the stall it caused (the first
  // completion after it); 0 when it caused no stall longer than the threshold.
  for (const report::Event& ev : r->events) {
    if (ev.kind != "fault" || !ev.ok || !IsDisruptive(ev.action)) continue;
    r->derived.failover_latency_s = 0.0;
    for (const report::StallEntry& s : r->stalls) {
      if (s.cause == ev.id) {
        r->derived.failover_latency_s = std::max(0.0, s.end_s - ev.t_s);
        break;
      }
    }
    break;
  }
  bool healing = false;
  for (const report::Phase& p : r->phases) healing = healing || p.name == "healing";
  if (healing) {
    r->derived.heal_stall_max_s = 0.0;
    for (const report::StallEntry& s : r->stalls) {
      if (s.phase == "healing")
        r->derived.heal_stall_max_s = std::max(*r->derived.heal_stall_max_s, s.duration_s);
    }
  }
  // Time to in sync: from the last undo of a fault (reconnect, heal_partition, thaw,
  // restart) to the first probe sample after it that says in_sync.
  const report::Event* last_undo = nullptr;
  for (const report::Event& ev : r->events) {
    if (ev.kind == "fault" && ev.ok && !ev.action.empty() && !IsDisruptive(ev.action) &&
        ev.action != "command") {
      last_undo = &ev;
    }
  }
  if (last_undo != nullptr && !r->sync_samples.empty()) {
    for (const report::SyncSample& s : r->sync_samples) {
      if (s.t_s >= last_undo->t_s && s.state == "in_sync") {
        r->derived.time_to_in_sync_s = s.t_s - last_undo->t_s;
        break;
      }
    }
  }
  // Degraded IOPS ratio: data IOPS over all degraded time against the baseline's.
  double base_ios = 0, base_s = 0, deg_ios = 0, deg_s = 0;
  for (const report::Phase& p : r->phases) {
    const double span = p.end_s - p.start_s;
    if (p.name == "baseline") {
      base_ios += DataIops(p) * span;
      base_s += span;
    } else if (p.name == "degraded") {
      deg_ios += DataIops(p) * span;
      deg_s += span;
    }
  }
  if (deg_s > 0 && base_s > 0 && base_ios > 0)
    r->derived.degraded_iops_ratio = (deg_ios / deg_s) / (base_ios / base_s);
}

}  // namespace

void FillSyncColumn(const std::vector<report::SyncSample>& samples,
                    std::vector<report::IntervalRow>* rows) {
  std::size_t next = 0;
  std::string state;
  for (report::IntervalRow& row : *rows) {
    while (next < samples.size() && samples[next].t_s <= row.t_s) state = samples[next++].state;
    row.sync_state = state;
  }
}

std::vector<WorkerMeasurements> MeasurementsOf(
    const std::vector<std::unique_ptr<Worker>>& workers) {
  std::vector<WorkerMeasurements> out;
  for (const auto& w : workers) out.push_back({&w->phases(), &w->stalls()});
  return out;
}

void AssembleMeasurements(const AssemblyInput& in, report::RunResult* r) {
  const auto& workers = in.workers;
  // Per phase: merge every worker's histograms.
  for (std::size_t pi = 0; pi < in.phases.size(); ++pi) {
    PhaseStats merged;
    for (const auto& w : workers) {
      if (pi >= w.phases->size()) continue;
      const PhaseStats& ps = (*w.phases)[pi];
      for (int op = 0; op < kReportedOps; ++op) {
        merged.ops[op].ios += ps.ops[op].ios;
        merged.ops[op].bytes += ps.ops[op].bytes;
        merged.ops[op].errors += ps.ops[op].errors;
        merged.latency[op].Merge(ps.latency[op]);
        merged.service[op].Merge(ps.service[op]);
      }
    }
    report::Phase ph;
    ph.name = in.phases[pi].name;
    ph.start_s = NsToSeconds(in.phases[pi].start_ns);
    ph.end_s = NsToSeconds(in.phases[pi].end_ns);
    const double secs = std::max(1e-9, ph.end_s - ph.start_s);
    for (int op = 0; op < kReportedOps; ++op) {
      report::PhaseOpStats& o = ph.ops[op];
      o.ios = merged.ops[op].ios;
      o.bytes = merged.ops[op].bytes;
      o.errors = merged.ops[op].errors;
      o.iops = static_cast<double>(o.ios) / secs;
      o.mib_s = static_cast<double>(o.bytes) / secs / (1 << 20);
      o.latency_ns = Summarize(merged.latency[op]);
      o.service_latency_ns = Summarize(merged.service[op]);
      o.histogram = merged.latency[op].NonEmptyBins();
      r->totals[op].ios += o.ios;
      r->totals[op].bytes += o.bytes;
      r->totals[op].errors += o.errors;
    }
    r->phases.push_back(std::move(ph));
  }

  // Stalls.
  std::vector<const StallRecorder*> recorders;
  for (const auto& w : workers) recorders.push_back(w.stalls);
  const StallReport sr =
      AnalyzeStalls(recorders, static_cast<std::uint32_t>(in.image_names.size()), in.run_end_ns);
  double max_stall = 0;
  for (const Stall& s : sr.overall) {
    r->stalls.push_back(ToEntry(s, in, *r));
    max_stall = std::max(max_stall, r->stalls.back().duration_s);
  }
  static const char* kOps[kReportedOps] = {"read", "write", "flush"};
  for (int op = 0; op < kReportedOps; ++op) {
    auto& list = r->stalls_by_op[kOps[op]];
    for (const Stall& s : sr.per_op[op]) list.push_back(ToEntry(s, in, *r));
  }
  for (std::size_t i = 0; i < sr.per_image.size() && i < in.image_names.size(); ++i) {
    auto& list = r->stalls_by_image[in.image_names[i]];
    for (const Stall& s : sr.per_image[i]) list.push_back(ToEntry(s, in, *r));
  }
  r->derived.max_stall_s = max_stall;
  DeriveFaultFigures(r);
  if (sr.longest_completion_gap_ns > 0)
    r->derived.longest_completion_gap_s = NsToSeconds(sr.longest_completion_gap_ns);

  // SLO checks: each limit against its measured value; null where this run has nothing to
  // measure (no fault, no heal, no verification).
  for (const auto& [name, limit] : in.slo) {
    report::SloCheck c;
    c.name = name;
    c.limit = limit;
    const bool count = name == "max_lost_writes" || name == "max_damaged_blocks";
    if (!count) c.unit = std::string(1, 's');  // durations; counts have none
    if (name == "max_stall")
      c.value = r->derived.max_stall_s;
    else if (name == "max_failover")
      c.value = r->derived.failover_latency_s;
    else if (name == "max_time_to_in_sync")
      c.value = r->derived.time_to_in_sync_s;
    else if (name == "max_lost_writes" && r->integrity.lost_writes)
      c.value = static_cast<double>(*r->integrity.lost_writes);
    else if (name == "max_damaged_blocks" && r->integrity.stale_reads) {
      const report::Integrity& ig = r->integrity;
      c.value = static_cast<double>(ig.stale_reads.value_or(0) + ig.torn_blocks.value_or(0) +
                                    ig.misdirected.value_or(0) + ig.diverged_blocks.value_or(0));
    } else if (name == "max_p99_during_heal") {
      for (const report::Phase& p : r->phases) {
        if (p.name != "healing") continue;
        const double p99 =
            static_cast<double>(std::max(p.ops[0].latency_ns.p99, p.ops[1].latency_ns.p99)) / 1e9;
        c.value = std::max(c.value.value_or(0), p99);
      }
    }
    if (c.value) c.pass = *c.value <= limit;
    r->slo_checks.push_back(c);
  }
}

}  // namespace healbench
