// Stall detection against hand-built timelines: what is and is not a stall, how slow I/Os
// merge overall / per op / per image, and how completion gaps intersect across workers.
#include "harness/core/stall_detector.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace healbench {
namespace {

constexpr Nanos kThreshold = 500 * kNsPerMs;

constexpr Nanos Ms(std::int64_t ms) { return ms * kNsPerMs; }

constexpr int kRead = ReportedOpIndex(OpKind::kRead);
constexpr int kWrite = ReportedOpIndex(OpKind::kWrite);
constexpr int kFlush = ReportedOpIndex(OpKind::kFlush);

// Fast reads completing every 100 ms over [from, to): a worker that keeps going.
void CompleteReadsEvery100Ms(StallRecorder& r, Nanos from, Nanos to, std::uint32_t image = 0) {
  for (Nanos t = from; t < to; t += Ms(100)) r.OnCompletion(t - Ms(1), t, OpKind::kRead, image);
}

StallReport Analyze(const std::vector<const StallRecorder*>& recorders, Nanos run_end,
                    std::uint32_t image_count = 1) {
  return AnalyzeStalls(recorders, image_count, run_end);
}

TEST(StallDetector, GapWithNothingInFlightIsNotAStall) {
  StallRecorder r(kThreshold, 0);
  r.OnCompletion(Ms(90), Ms(100), OpKind::kWrite, 0);
  // Idle for 3 s: nothing submitted, so nothing waited.
  r.OnCompletion(Ms(3090), Ms(3100), OpKind::kWrite, 0);
  r.Finish(Ms(3200));
  const StallReport report = Analyze({&r}, Ms(3200));
  EXPECT_TRUE(report.overall.empty());
  // The gap is still reported as such.
  EXPECT_EQ(report.longest_completion_gap_ns, Ms(3000));
  EXPECT_EQ(report.longest_completion_gap.start_ns, Ms(100));
  EXPECT_EQ(report.longest_completion_gap.end_ns, Ms(3100));
}

TEST(StallDetector, GapWithSlowIoInFlightIsAStall) {
  StallRecorder r(kThreshold, 0);
  r.OnCompletion(Ms(90), Ms(100), OpKind::kWrite, 0);
  r.OnCompletion(Ms(1000), Ms(3000), OpKind::kWrite, 0);
  r.Finish(Ms(3100));
  const StallReport report = Analyze({&r}, Ms(3100));
  ASSERT_EQ(report.overall.size(), 1u);
  const Stall& s = report.overall[0];
  EXPECT_EQ(s.start_ns, Ms(1000));
  EXPECT_EQ(s.end_ns, Ms(3000));
  EXPECT_FALSE(s.open);
  EXPECT_EQ(s.ios, 1u);
  EXPECT_FALSE(s.ops[kRead]);
  EXPECT_TRUE(s.ops[kWrite]);
  EXPECT_FALSE(s.ops[kFlush]);
  EXPECT_EQ(s.images, std::vector<std::uint32_t>{0});
  EXPECT_EQ(report.longest_completion_gap_ns, Ms(2900));
}

TEST(StallDetector, OverlappingSlowIosMergeIntoOneStall) {
  StallRecorder a(kThreshold, 0);
  StallRecorder b(kThreshold, 0);
  a.OnCompletion(Ms(1000), Ms(3000), OpKind::kRead, 0);
  b.OnCompletion(Ms(2000), Ms(4000), OpKind::kWrite, 2);
  a.OnCompletion(Ms(4000), Ms(5000), OpKind::kRead, 0);  // touches the previous one
  a.Finish(Ms(6000));
  b.Finish(Ms(6000));
  const StallReport report = Analyze({&a, &b}, Ms(6000), 3);
  ASSERT_EQ(report.overall.size(), 1u);
  const Stall& s = report.overall[0];
  EXPECT_EQ(s.start_ns, Ms(1000));
  EXPECT_EQ(s.end_ns, Ms(5000));
  EXPECT_EQ(s.ios, 3u);
  EXPECT_TRUE(s.ops[kRead]);
  EXPECT_TRUE(s.ops[kWrite]);
  EXPECT_FALSE(s.ops[kFlush]);
  EXPECT_EQ(s.images, (std::vector<std::uint32_t>{0, 2}));
}

TEST(StallDetector, DisjointSlowIosStaySeparateStallsInTimeOrder) {
  StallRecorder a(kThreshold, 0);
  StallRecorder b(kThreshold, 0);
  a.OnCompletion(Ms(3000), Ms(4000), OpKind::kWrite, 0);
  b.OnCompletion(Ms(1000), Ms(2000), OpKind::kWrite, 0);
  a.Finish(Ms(5000));
  b.Finish(Ms(5000));
  // Recorder order must not matter: the later stall comes from the first recorder.
  const StallReport report = Analyze({&a, &b}, Ms(5000));
  ASSERT_EQ(report.overall.size(), 2u);
  EXPECT_EQ(report.overall[0].start_ns, Ms(1000));
  EXPECT_EQ(report.overall[0].end_ns, Ms(2000));
  EXPECT_EQ(report.overall[1].start_ns, Ms(3000));
  EXPECT_EQ(report.overall[1].end_ns, Ms(4000));
  EXPECT_EQ(report.overall[0].ios, 1u);
  EXPECT_EQ(report.overall[1].ios, 1u);
}

TEST(StallDetector, IoThatNeverCompletesGivesOpenStallEndingAtRunEnd) {
  StallRecorder r(kThreshold, 0);
  r.OnCompletion(Ms(1000), Ms(3000), OpKind::kFlush, 0);
  r.OnNeverCompleted(Ms(2000), OpKind::kFlush, 0);
  r.Finish(Ms(10000));
  const StallReport report = Analyze({&r}, Ms(10000));
  ASSERT_EQ(report.overall.size(), 1u);
  const Stall& s = report.overall[0];
  EXPECT_EQ(s.start_ns, Ms(1000));
  EXPECT_EQ(s.end_ns, Ms(10000));
  EXPECT_TRUE(s.open);
  EXPECT_EQ(s.ios, 2u);
  ASSERT_EQ(report.per_op[kFlush].size(), 1u);
  EXPECT_TRUE(report.per_op[kFlush][0].open);
}

TEST(StallDetector, IoInFlightAtRunEndForLessThanThresholdIsNotAStall) {
  StallRecorder r(kThreshold, 0);
  CompleteReadsEvery100Ms(r, Ms(100), Ms(10000));
  // A closed loop stops with its queue full; those I/Os were not slow.
  r.OnNeverCompleted(Ms(9990), OpKind::kRead, 0);
  r.OnNeverCompleted(Ms(10000) - kThreshold, OpKind::kRead, 0);  // exactly the threshold
  r.Finish(Ms(10000));
  const StallReport report = Analyze({&r}, Ms(10000));
  EXPECT_TRUE(report.overall.empty());
}

TEST(StallDetector, WriteStallWhileReadsGoOnIsReportedForWritesOnly) {
  StallRecorder r(kThreshold, 0);
  CompleteReadsEvery100Ms(r, Ms(100), Ms(1000));
  CompleteReadsEvery100Ms(r, Ms(1000), Ms(5000));
  r.OnCompletion(Ms(1000), Ms(4000), OpKind::kWrite, 0);
  CompleteReadsEvery100Ms(r, Ms(5000), Ms(6000));
  r.Finish(Ms(6000));
  const StallReport report = Analyze({&r}, Ms(6000));
  ASSERT_EQ(report.overall.size(), 1u);
  EXPECT_TRUE(report.per_op[kRead].empty());
  ASSERT_EQ(report.per_op[kWrite].size(), 1u);
  EXPECT_EQ(report.per_op[kWrite][0].start_ns, Ms(1000));
  EXPECT_EQ(report.per_op[kWrite][0].end_ns, Ms(4000));
  EXPECT_TRUE(report.per_op[kFlush].empty());
  // Reads kept completing: nothing froze everything.
  EXPECT_EQ(report.longest_completion_gap_ns, 0);
}

TEST(StallDetector, PerOpStallsMergeOverThatOpClassAlone) {
  StallRecorder r(kThreshold, 0);
  r.OnCompletion(Ms(1000), Ms(3000), OpKind::kWrite, 0);
  r.OnCompletion(Ms(2000), Ms(5000), OpKind::kFlush, 0);
  r.OnCompletion(Ms(4000), Ms(6000), OpKind::kDiscard, 0);  // a discard is a write
  r.Finish(Ms(7000));
  const StallReport report = Analyze({&r}, Ms(7000));
  ASSERT_EQ(report.overall.size(), 1u);
  EXPECT_EQ(report.overall[0].end_ns, Ms(6000));
  EXPECT_TRUE(report.overall[0].ops[kWrite]);
  EXPECT_TRUE(report.overall[0].ops[kFlush]);
  // The two writes do not overlap each other; the flush bridged them only overall.
  ASSERT_EQ(report.per_op[kWrite].size(), 2u);
  EXPECT_EQ(report.per_op[kWrite][1].start_ns, Ms(4000));
  EXPECT_TRUE(report.per_op[kWrite][1].ops[kWrite]);
  ASSERT_EQ(report.per_op[kFlush].size(), 1u);
  EXPECT_TRUE(report.per_op[kRead].empty());
}

TEST(StallDetector, PerImageStallsMergeOverThatImageAlone) {
  StallRecorder a(kThreshold, 0);
  StallRecorder b(kThreshold, 0);
  a.OnCompletion(Ms(1000), Ms(3000), OpKind::kWrite, 0);
  b.OnCompletion(Ms(2000), Ms(5000), OpKind::kRead, 1);
  a.Finish(Ms(6000));
  b.Finish(Ms(6000));
  const StallReport report = Analyze({&a, &b}, Ms(6000), 3);
  ASSERT_EQ(report.overall.size(), 1u);
  EXPECT_EQ(report.overall[0].images, (std::vector<std::uint32_t>{0, 1}));
  ASSERT_EQ(report.per_image.size(), 3u);
  ASSERT_EQ(report.per_image[0].size(), 1u);
  EXPECT_EQ(report.per_image[0][0].start_ns, Ms(1000));
  EXPECT_EQ(report.per_image[0][0].end_ns, Ms(3000));
  ASSERT_EQ(report.per_image[1].size(), 1u);
  EXPECT_EQ(report.per_image[1][0].start_ns, Ms(2000));
  EXPECT_EQ(report.per_image[1][0].end_ns, Ms(5000));
  EXPECT_EQ(report.per_image[1][0].images, std::vector<std::uint32_t>{1});
  EXPECT_TRUE(report.per_image[2].empty());
}

TEST(StallDetector, ImageBeyondImageCountGrowsPerImage) {
  StallRecorder r(kThreshold, 0);
  r.OnCompletion(Ms(1000), Ms(3000), OpKind::kWrite, 4);
  r.Finish(Ms(4000));
  const StallReport report = Analyze({&r}, Ms(4000), 2);
  ASSERT_EQ(report.per_image.size(), 5u);
  EXPECT_EQ(report.per_image[4].size(), 1u);
}

TEST(StallDetector, CompletionGapIsTheIntersectionAcrossRecorders) {
  StallRecorder a(kThreshold, 0);
  StallRecorder b(kThreshold, 0);
  CompleteReadsEvery100Ms(a, Ms(100), Ms(1100));   // last at 1000
  CompleteReadsEvery100Ms(a, Ms(3000), Ms(5000));  // gap [1000, 3000]
  CompleteReadsEvery100Ms(b, Ms(100), Ms(2100));   // last at 2000
  CompleteReadsEvery100Ms(b, Ms(4000), Ms(5000));  // gap [2000, 4000]
  a.Finish(Ms(5000));
  b.Finish(Ms(5000));
  ASSERT_EQ(a.gaps().size(), 1u);
  ASSERT_EQ(b.gaps().size(), 1u);
  const StallReport report = Analyze({&a, &b}, Ms(5000));
  EXPECT_EQ(report.longest_completion_gap_ns, Ms(1000));
  EXPECT_EQ(report.longest_completion_gap.start_ns, Ms(2000));
  EXPECT_EQ(report.longest_completion_gap.end_ns, Ms(3000));
}

TEST(StallDetector, CompletionGapShorterThanThresholdAfterIntersectionIsNotReported) {
  StallRecorder a(kThreshold, 0);
  StallRecorder b(kThreshold, 0);
  CompleteReadsEvery100Ms(a, Ms(100), Ms(1100));
  CompleteReadsEvery100Ms(a, Ms(3000), Ms(5000));  // gap [1000, 3000]
  CompleteReadsEvery100Ms(b, Ms(100), Ms(2800));
  CompleteReadsEvery100Ms(b, Ms(4000), Ms(5000));  // gap [2700, 4000]: overlap 300 ms
  a.Finish(Ms(5000));
  b.Finish(Ms(5000));
  const StallReport report = Analyze({&a, &b}, Ms(5000));
  EXPECT_EQ(report.longest_completion_gap_ns, 0);
}

TEST(StallDetector, RecorderWithoutAnyIoIsIgnoredForGaps) {
  StallRecorder busy(kThreshold, 0);
  StallRecorder idle(kThreshold, 0);  // never Finished either: must not empty the result
  CompleteReadsEvery100Ms(busy, Ms(100), Ms(1100));
  CompleteReadsEvery100Ms(busy, Ms(3000), Ms(5000));
  busy.Finish(Ms(5000));
  const StallReport report = Analyze({&busy, &idle}, Ms(5000));
  EXPECT_EQ(report.longest_completion_gap_ns, Ms(2000));
}

TEST(StallDetector, RecorderStuckFromTheStartContributesTheWholeRunAsItsGap) {
  StallRecorder stuck(kThreshold, 0);
  stuck.OnNeverCompleted(Ms(10), OpKind::kWrite, 0);
  stuck.Finish(Ms(5000));
  {
    const StallReport report = Analyze({&stuck}, Ms(5000));
    EXPECT_EQ(report.longest_completion_gap_ns, Ms(5000));
    ASSERT_EQ(report.overall.size(), 1u);
    EXPECT_TRUE(report.overall[0].open);
  }
  StallRecorder busy(kThreshold, 0);
  CompleteReadsEvery100Ms(busy, Ms(100), Ms(1100));
  CompleteReadsEvery100Ms(busy, Ms(3000), Ms(5000));
  busy.Finish(Ms(5000));
  const StallReport report = Analyze({&stuck, &busy}, Ms(5000));
  EXPECT_EQ(report.longest_completion_gap.start_ns, Ms(1000));
  EXPECT_EQ(report.longest_completion_gap.end_ns, Ms(3000));
}

TEST(StallDetector, GapFromRunStartToFirstCompletionCounts) {
  const Nanos start = Ms(10000);  // not zero: the opening gap must start at run start
  StallRecorder r(kThreshold, start);
  r.OnCompletion(start, start + Ms(2000), OpKind::kRead, 0);
  CompleteReadsEvery100Ms(r, start + Ms(2100), start + Ms(3000));
  r.Finish(start + Ms(3000));
  ASSERT_EQ(r.gaps().size(), 1u);
  EXPECT_EQ(r.gaps()[0].start_ns, start);
  EXPECT_EQ(r.gaps()[0].end_ns, start + Ms(2000));
  const StallReport report = Analyze({&r}, start + Ms(3000));
  EXPECT_EQ(report.longest_completion_gap_ns, Ms(2000));
  ASSERT_EQ(report.overall.size(), 1u);
  EXPECT_EQ(report.overall[0].start_ns, start);
}

TEST(StallDetector, TrailingGapIsClosedAtRunEndOnce) {
  StallRecorder r(kThreshold, 0);
  CompleteReadsEvery100Ms(r, Ms(100), Ms(1100));
  r.Finish(Ms(4000));
  r.Finish(Ms(4000));
  ASSERT_EQ(r.gaps().size(), 1u);
  EXPECT_EQ(r.gaps()[0].start_ns, Ms(1000));
  EXPECT_EQ(r.gaps()[0].end_ns, Ms(4000));
}

TEST(StallDetector, AnalyzeClosesTheTrailingGapOfAnUnfinishedRecorder) {
  StallRecorder r(kThreshold, 0);
  CompleteReadsEvery100Ms(r, Ms(100), Ms(1100));
  const StallReport report = Analyze({&r}, Ms(4000));
  EXPECT_EQ(report.longest_completion_gap_ns, Ms(3000));
}

TEST(StallDetector, LatencyExactlyAtThresholdIsNotSlow) {
  StallRecorder r(kThreshold, 0);
  r.OnCompletion(Ms(100), Ms(100) + kThreshold, OpKind::kWrite, 0);
  r.OnCompletion(Ms(2000), Ms(2000) + kThreshold + 1, OpKind::kWrite, 0);
  r.Finish(Ms(2000) + kThreshold + 1);
  ASSERT_EQ(r.slow_ios().size(), 1u);
  EXPECT_EQ(r.slow_ios()[0].start_ns, Ms(2000));
  const StallReport report = Analyze({&r}, Ms(2000) + kThreshold + 1);
  ASSERT_EQ(report.overall.size(), 1u);
  EXPECT_EQ(report.overall[0].start_ns, Ms(2000));
}

TEST(StallDetector, GapOfExactlyThresholdIsNotKept) {
  StallRecorder r(kThreshold, 0);
  r.OnCompletion(Ms(400), kThreshold, OpKind::kRead, 0);
  r.OnCompletion(Ms(900), 2 * kThreshold, OpKind::kRead, 0);
  r.Finish(3 * kThreshold);
  EXPECT_TRUE(r.gaps().empty());
}

TEST(StallDetector, NoRecordersGiveAnEmptyReport) {
  const StallReport report = AnalyzeStalls({}, 2, Ms(1000));
  EXPECT_TRUE(report.overall.empty());
  EXPECT_EQ(report.per_image.size(), 2u);
  EXPECT_EQ(report.longest_completion_gap_ns, 0);
}

}  // namespace
}  // namespace healbench
