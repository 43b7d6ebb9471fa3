// Converting LatencyHistogram intervals into Prometheus bucket increments: bounds span
// 50 µs to 10 min, values land in the first bucket whose bound holds them, values past the
// last bound go to +Inf, and the sum is exact.
#include "harness/metrics/latency_buckets.h"

#include <gtest/gtest.h>

#include <numeric>

namespace healbench {
namespace {

TEST(LatencyBuckets, BoundsSpan50MicrosecondsToTenMinutesAscending) {
  const auto& b = LatencyBucketBoundsSeconds();
  ASSERT_GE(b.size(), 20u);
  ASSERT_LE(b.size(), 30u);
  EXPECT_DOUBLE_EQ(b.front(), 50e-6);
  EXPECT_DOUBLE_EQ(b.back(), 600);
  for (std::size_t i = 1; i < b.size(); ++i) EXPECT_GT(b[i], b[i - 1]);
}

TEST(LatencyBuckets, EmptyHistogramGivesZeroIncrements) {
  const BucketIncrements inc = ToBucketIncrements(LatencyHistogram{}, {1e-3, 1});
  EXPECT_EQ(inc.counts, (std::vector<double>{0, 0, 0}));
  EXPECT_EQ(inc.sum_s, 0);
}

TEST(LatencyBuckets, ValuesLandInTheFirstBucketThatHoldsThem) {
  LatencyHistogram h;
  h.RecordN(20'000, 3);           // 20 µs  -> le 50 µs
  h.RecordN(700'000, 2);          // 0.7 ms -> le 1 ms
  h.Record(990'000);              // 0.99 ms: its bin ends below 1 ms -> le 1 ms
  h.RecordN(3'000'000'000, 4);    // 3 s -> le 5 s
  h.Record(20 * 60'000'000'000);  // 20 min -> +Inf
  const std::vector<double> bounds = {50e-6, 1e-3, 5, 600};
  const BucketIncrements inc = ToBucketIncrements(h, bounds);
  EXPECT_EQ(inc.counts, (std::vector<double>{3, 3, 4, 0, 1}));
  EXPECT_DOUBLE_EQ(std::accumulate(inc.counts.begin(), inc.counts.end(), 0.0),
                   static_cast<double>(h.Count()));
  EXPECT_NEAR(inc.sum_s, 3 * 20e-6 + 2 * 0.7e-3 + 0.99e-3 + 4 * 3.0 + 1200, 1e-6);
}

TEST(LatencyBuckets, ValueJustAboveABoundGoesToTheNextBucket) {
  LatencyHistogram h;
  h.Record(1'100'000);  // 1.1 ms: 10% above 1 ms, far more than a bin's width
  const BucketIncrements inc = ToBucketIncrements(h, {1e-3, 2e-3});
  EXPECT_EQ(inc.counts, (std::vector<double>{0, 1, 0}));
}

TEST(LatencyBuckets, BinStraddlingABoundGoesByItsMidpoint) {
  // 1 ms falls in the bin [999424, 1007616) ns, whose midpoint is above 1 ms: it is counted
  // in the next bucket, half a bin (0.4%) off. 995 us shares no bin with the bound.
  LatencyHistogram h;
  h.Record(1'000'000);
  h.Record(995'000);
  EXPECT_EQ(ToBucketIncrements(h, {1e-3, 2e-3}).counts, (std::vector<double>{1, 1, 0}));
}

}  // namespace
}  // namespace healbench
