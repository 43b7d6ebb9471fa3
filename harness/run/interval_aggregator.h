// Turns the workers' per-interval reports into the run's time series: one row per
// interval with IOPS, MiB/s and latency percentiles over all workers (histograms merged
// exactly), plus the live in-flight figures the sampler read at the interval's end.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "harness/run/worker.h"
#include "reports/result_model.h"

namespace healbench {

class IntervalAggregator {
 public:
  IntervalAggregator(Nanos interval_ns, std::size_t workers)
      : interval_ns_(interval_ns), workers_(workers) {}

  void Add(int worker, const IntervalReport& report);
  // Rows for intervals < index that are not yet emitted, completed with the live values.
  // A row is emitted once every worker reported it, or when force is set (a late worker's
  // counts are then added to the row without changing its percentiles).
  std::vector<report::IntervalRow> TakeReady(std::int64_t below_index, bool force,
                                             std::uint32_t inflight_now, double oldest_age_s,
                                             const std::string& phase);
  // Called per op with each emitted interval's counts and latencies, and with a late
  // report's additions to a row already out (so counters built from it stay exact).
  using OpObserver = std::function<void(int op, const OpCounters&, const LatencyHistogram&)>;
  void SetObserver(OpObserver observer) { observer_ = std::move(observer); }
  // Every row emitted so far, in order.
  const std::vector<report::IntervalRow>& rows() const { return rows_; }
  std::vector<report::IntervalRow>& mutable_rows() { return rows_; }

 private:
  struct Pending {
    std::vector<bool> seen;
    OpCounters ops[kReportedOps];
    LatencyHistogram latency[kReportedOps];
    std::uint32_t inflight_max = 0;
  };
  report::IntervalRow MakeRow(std::int64_t index, const Pending& p) const;

  Nanos interval_ns_;
  std::size_t workers_;
  std::map<std::int64_t, Pending> pending_;
  std::int64_t next_emit_ = 0;
  std::vector<report::IntervalRow> rows_;
  OpObserver observer_;
};

}  // namespace healbench
