// Tests of the unit formatters behind the terminal summary and CSV, including the unit
// boundaries where rounding could print "1000us".
#include "reports/text_format.h"

#include <gtest/gtest.h>

namespace healbench::report {
namespace {

TEST(FormatDurationNs, PicksUnitWithThreeSignificantDigits) {
  EXPECT_EQ(FormatDurationNs(0), "0ns");
  EXPECT_EQ(FormatDurationNs(850), "850ns");
  EXPECT_EQ(FormatDurationNs(1'500), "1.50us");
  EXPECT_EQ(FormatDurationNs(850'000), "850us");
  EXPECT_EQ(FormatDurationNs(12'300'000), "12.3ms");
  EXPECT_EQ(FormatDurationNs(1'500'000'000), "1.50s");
  EXPECT_EQ(FormatDurationNs(3'600'000'000'000), "3600s");
  EXPECT_EQ(FormatDurationNs(-2'000'000), "-2.00ms");
}

TEST(FormatDurationNs, RoundingNeverPrintsAThousandOfAUnit) {
  EXPECT_EQ(FormatDurationNs(999'600), "1.00ms");
  EXPECT_EQ(FormatDurationNs(999'499), "999us");
  EXPECT_EQ(FormatDurationNs(9'996'000), "10.0ms");
}

TEST(FormatDurationS, MatchesNanosecondForm) {
  EXPECT_EQ(FormatDurationS(1.52), "1.52s");
  EXPECT_EQ(FormatDurationS(0.1), "100ms");
  EXPECT_EQ(FormatDurationS(60), "60.0s");
}

TEST(FormatBytes, UsesIecUnits) {
  EXPECT_EQ(FormatBytes(0), "0B");
  EXPECT_EQ(FormatBytes(512), "512B");
  EXPECT_EQ(FormatBytes(1536), "1.50KiB");
  EXPECT_EQ(FormatBytes(1023 * 1024), "1.00MiB");
  EXPECT_EQ(FormatBytes(3ull << 30), "3.00GiB");
}

TEST(FormatFixed, RoundsToTheGivenDecimals) {
  EXPECT_EQ(FormatFixed(2.345, 1), "2.3");
  EXPECT_EQ(FormatFixed(1.0, 3), "1.000");
}

}  // namespace
}  // namespace healbench::report
