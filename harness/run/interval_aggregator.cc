// Interval aggregation for the time series. See interval_aggregator.h.
#include "harness/run/interval_aggregator.h"

namespace healbench {

void IntervalAggregator::Add(int worker, const IntervalReport& r) {
  if (r.index < next_emit_) {
    // Late: the row went out already; keep its counts exact.
    if (r.index >= 0 && static_cast<std::size_t>(r.index) < rows_.size()) {
      report::IntervalRow& row = rows_[static_cast<std::size_t>(r.index)];
      const double secs = NsToSeconds(interval_ns_);
      row.read_iops += static_cast<double>(r.ops[0].ios) / secs;
      row.write_iops += static_cast<double>(r.ops[1].ios) / secs;
      row.flush_iops += static_cast<double>(r.ops[2].ios) / secs;
      row.read_mib_s += static_cast<double>(r.ops[0].bytes) / secs / (1 << 20);
      row.write_mib_s += static_cast<double>(r.ops[1].bytes) / secs / (1 << 20);
      for (const OpCounters& c : r.ops) row.errors += c.errors;
      if (observer_) {
        for (int op = 0; op < kReportedOps; ++op) observer_(op, r.ops[op], r.latency[op]);
      }
    }
    return;
  }
  Pending& p = pending_[r.index];
  if (p.seen.empty()) p.seen.assign(workers_, false);
  p.seen[static_cast<std::size_t>(worker)] = true;
  for (int op = 0; op < kReportedOps; ++op) {
    p.ops[op].ios += r.ops[op].ios;
    p.ops[op].bytes += r.ops[op].bytes;
    p.ops[op].errors += r.ops[op].errors;
    p.latency[op].Merge(r.latency[op]);
  }
  p.inflight_max += r.inflight_max;
}

report::IntervalRow IntervalAggregator::MakeRow(std::int64_t index, const Pending& p) const {
  report::IntervalRow row;
  const double secs = NsToSeconds(interval_ns_);
  row.t_s = NsToSeconds(interval_ns_ * (index + 1));
  row.read_iops = static_cast<double>(p.ops[0].ios) / secs;
  row.write_iops = static_cast<double>(p.ops[1].ios) / secs;
  row.flush_iops = static_cast<double>(p.ops[2].ios) / secs;
  row.read_mib_s = static_cast<double>(p.ops[0].bytes) / secs / (1 << 20);
  row.write_mib_s = static_cast<double>(p.ops[1].bytes) / secs / (1 << 20);
  LatencyHistogram all;
  for (const LatencyHistogram& h : p.latency) all.Merge(h);
  row.p50_ns = all.Percentile(0.50);
  row.p99_ns = all.Percentile(0.99);
  row.p999_ns = all.Percentile(0.999);
  row.max_ns = all.Max();
  for (const OpCounters& c : p.ops) row.errors += c.errors;
  row.inflight = p.inflight_max;
  return row;
}

std::vector<report::IntervalRow> IntervalAggregator::TakeReady(std::int64_t below_index, bool force,
                                                               std::uint32_t inflight_now,
                                                               double oldest_age_s,
                                                               const std::string& phase) {
  std::vector<report::IntervalRow> out;
  while (next_emit_ < below_index) {
    auto it = pending_.find(next_emit_);
    Pending empty;
    const Pending& p = it == pending_.end() ? empty : it->second;
    bool complete = it != pending_.end();
    if (complete) {
      for (bool b : p.seen) complete = complete && b;
    }
    if (!complete && !force) break;
    report::IntervalRow row = MakeRow(next_emit_, p);
    row.inflight = std::max(row.inflight, inflight_now);
    row.oldest_inflight_age_s = oldest_age_s;
    row.phase = phase;
    rows_.push_back(row);
    out.push_back(row);
    if (observer_ && it != pending_.end()) {
      for (int op = 0; op < kReportedOps; ++op) observer_(op, p.ops[op], p.latency[op]);
    }
    if (it != pending_.end()) pending_.erase(it);
    ++next_emit_;
  }
  return out;
}

}  // namespace healbench
