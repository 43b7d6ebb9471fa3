// Interval aggregation: a row goes out once every worker reported its interval (or when
// forced), late reports still add their counts, latency percentiles come from the merged
// histograms of all workers, and rates are counts divided by the interval length.
#include "harness/run/interval_aggregator.h"

#include <gtest/gtest.h>

namespace healbench {
namespace {

constexpr Nanos kInterval = 500 * kNsPerMs;  // 0.5 s, so rates are twice the counts

IntervalReport Report(std::int64_t index, std::uint64_t reads, std::uint64_t writes,
                      std::uint64_t flushes = 0, Nanos latency_ns = 100 * kNsPerUs) {
  IntervalReport r;
  r.index = index;
  r.ops[0] = {reads, reads * 4096, 0};
  r.ops[1] = {writes, writes * 8192, 0};
  r.ops[2] = {flushes, 0, 0};
  r.latency[0].RecordN(latency_ns, reads + writes + flushes);
  r.inflight_max = 4;
  return r;
}

TEST(IntervalAggregator, RowWaitsForEveryWorkerUnlessForced) {
  IntervalAggregator agg(kInterval, 2);
  agg.Add(0, Report(0, 10, 0));
  EXPECT_TRUE(agg.TakeReady(1, false, 0, 0, "baseline").empty());
  agg.Add(1, Report(0, 30, 0));
  auto rows = agg.TakeReady(1, false, 0, 0, "baseline");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0].read_iops, 80.0);  // 40 reads in 0.5 s
  EXPECT_DOUBLE_EQ(rows[0].t_s, 0.5);
  EXPECT_EQ(rows[0].phase, "baseline");
  EXPECT_EQ(agg.rows().size(), 1u);

  // Interval 1: only worker 0 reported; forcing emits it anyway.
  agg.Add(0, Report(1, 5, 0));
  EXPECT_TRUE(agg.TakeReady(2, false, 0, 0, "baseline").empty());
  rows = agg.TakeReady(2, true, 7, 1.25, "degraded");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0].read_iops, 10.0);
  EXPECT_DOUBLE_EQ(rows[0].t_s, 1.0);
  EXPECT_EQ(rows[0].inflight, 7u);  // the live value is larger than the reported 4
  EXPECT_DOUBLE_EQ(rows[0].oldest_inflight_age_s, 1.25);
  EXPECT_EQ(rows[0].phase, "degraded");
}

TEST(IntervalAggregator, RowsComeOutInOrderAndNotBeyondTheIndexAsked) {
  IntervalAggregator agg(kInterval, 1);
  agg.Add(0, Report(0, 1, 0));
  agg.Add(0, Report(1, 2, 0));
  agg.Add(0, Report(2, 3, 0));
  auto rows = agg.TakeReady(2, false, 0, 0, "baseline");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_DOUBLE_EQ(rows[0].read_iops, 2.0);
  EXPECT_DOUBLE_EQ(rows[1].read_iops, 4.0);
  rows = agg.TakeReady(3, false, 0, 0, "baseline");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0].read_iops, 6.0);
}

TEST(IntervalAggregator, ForcedIntervalWithNoReportIsAnEmptyRow) {
  IntervalAggregator agg(kInterval, 2);
  auto rows = agg.TakeReady(1, true, 3, 0.75, "baseline");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0].read_iops, 0.0);
  EXPECT_EQ(rows[0].p99_ns, 0);
  EXPECT_EQ(rows[0].inflight, 3u);
}

TEST(IntervalAggregator, LateReportAddsItsCountsToTheEmittedRow) {
  IntervalAggregator agg(kInterval, 2);
  agg.Add(0, Report(0, 10, 4, 2, 100 * kNsPerUs));
  ASSERT_EQ(agg.TakeReady(1, true, 0, 0, "baseline").size(), 1u);
  const std::int64_t p99_before = agg.rows()[0].p99_ns;

  IntervalReport late = Report(0, 6, 2, 1, 900 * kNsPerMs);
  late.ops[1].errors = 3;
  agg.Add(1, late);
  ASSERT_EQ(agg.rows().size(), 1u);
  const report::IntervalRow& row = agg.rows()[0];
  EXPECT_DOUBLE_EQ(row.read_iops, 32.0);   // (10 + 6) / 0.5 s
  EXPECT_DOUBLE_EQ(row.write_iops, 12.0);  // (4 + 2) / 0.5 s
  EXPECT_DOUBLE_EQ(row.flush_iops, 6.0);   // (2 + 1) / 0.5 s
  EXPECT_DOUBLE_EQ(row.read_mib_s, 16.0 * 4096 / 0.5 / (1 << 20));
  EXPECT_DOUBLE_EQ(row.write_mib_s, 6.0 * 8192 / 0.5 / (1 << 20));
  EXPECT_EQ(row.errors, 3u);
  EXPECT_EQ(row.p99_ns, p99_before) << "percentiles stay as emitted";
  // The late report does not open a new pending row.
  EXPECT_TRUE(agg.TakeReady(1, true, 0, 0, "baseline").empty());
}

TEST(IntervalAggregator, PercentilesAreMergedAcrossWorkers) {
  IntervalAggregator agg(kInterval, 2);
  // Worker 0: 98 fast I/Os; worker 1: 2 slow ones. Neither alone has the merged p99.
  agg.Add(0, Report(0, 98, 0, 0, 100 * kNsPerUs));
  agg.Add(1, Report(0, 2, 0, 0, 50 * kNsPerMs));
  auto rows = agg.TakeReady(1, false, 0, 0, "baseline");
  ASSERT_EQ(rows.size(), 1u);
  LatencyHistogram merged;
  merged.RecordN(100 * kNsPerUs, 98);
  merged.RecordN(50 * kNsPerMs, 2);
  EXPECT_EQ(rows[0].p50_ns, merged.Percentile(0.50));
  EXPECT_EQ(rows[0].p99_ns, merged.Percentile(0.99));
  EXPECT_EQ(rows[0].p999_ns, merged.Percentile(0.999));
  EXPECT_EQ(rows[0].max_ns, 50 * kNsPerMs);
  EXPECT_NEAR(static_cast<double>(rows[0].p50_ns), 100e3, 1e3);
  EXPECT_NEAR(static_cast<double>(rows[0].p99_ns), 50e6, 0.5e6);
  EXPECT_EQ(rows[0].inflight, 8u) << "in-flight maxima of the workers add up";
}

TEST(IntervalAggregator, IopsIsIosDividedByTheIntervalLength) {
  IntervalAggregator agg(2 * kNsPerSec, 1);
  agg.Add(0, Report(0, 300, 100, 10));
  auto rows = agg.TakeReady(1, false, 0, 0, "baseline");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0].read_iops, 150.0);
  EXPECT_DOUBLE_EQ(rows[0].write_iops, 50.0);
  EXPECT_DOUBLE_EQ(rows[0].flush_iops, 5.0);
  EXPECT_DOUBLE_EQ(rows[0].read_mib_s, 300.0 * 4096 / 2 / (1 << 20));
  EXPECT_DOUBLE_EQ(rows[0].t_s, 2.0);
}

}  // namespace
}  // namespace healbench
