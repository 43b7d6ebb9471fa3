// Tests that the report's copy of the histogram bin bounds matches LatencyHistogram's layout:
// 1:1 below 128 ns, then 64 bins per octave, ceiling 2^42 ns.
#include "reports/histogram_bins.h"

#include <gtest/gtest.h>

namespace healbench::report {
namespace {

TEST(HistogramBins, BelowOneHundredTwentyEightAreOneNanosecondWide) {
  EXPECT_EQ(HistogramBinLowerBound(0), 0);
  EXPECT_EQ(HistogramBinLowerBound(127), 127);
  EXPECT_EQ(HistogramBinUpperBound(127), 128);
}

TEST(HistogramBins, SixtyFourBinsPerOctave) {
  EXPECT_EQ(HistogramBinLowerBound(128), 128);  // octave [128, 256): width 2
  EXPECT_EQ(HistogramBinLowerBound(129), 130);
  EXPECT_EQ(HistogramBinLowerBound(192), 256);  // octave [256, 512): width 4
  EXPECT_EQ(HistogramBinLowerBound(193), 260);
  // The sample run's bins: 700 = 128 + 8*64 + 60 -> octave 2^15, sub 124 -> 124 << 9.
  EXPECT_EQ(HistogramBinLowerBound(700), 63488);
  EXPECT_EQ(HistogramBinUpperBound(700), 64000);
}

TEST(HistogramBins, TopBinEndsAtTheCeiling) {
  EXPECT_EQ(kHistogramBinCount, 128 + 35 * 64);
  EXPECT_EQ(HistogramBinUpperBound(kHistogramBinCount - 1), std::int64_t{1} << 42);
  EXPECT_EQ(HistogramBinLowerBound(kHistogramBinCount - 1), (std::int64_t{127}) << 35);
}

TEST(HistogramBins, BoundsIncreaseAndMeet) {
  for (int i = 0; i + 1 < kHistogramBinCount; ++i) {
    ASSERT_LT(HistogramBinLowerBound(i), HistogramBinLowerBound(i + 1)) << i;
    ASSERT_EQ(HistogramBinUpperBound(i), HistogramBinLowerBound(i + 1)) << i;
  }
}

}  // namespace
}  // namespace healbench::report
