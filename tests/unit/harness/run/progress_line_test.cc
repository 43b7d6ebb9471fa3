// The progress line's text: a STALL marker with the oldest in-flight age appears only while
// that age exceeds the stall threshold, and errors of the interval are shown.
#include "harness/run/progress_line.h"

#include <gtest/gtest.h>

#include <string>

namespace healbench {
namespace {

constexpr Nanos kThreshold = 500 * kNsPerMs;

report::IntervalRow Row() {
  report::IntervalRow row;
  row.read_iops = 12345;
  row.write_iops = 250;
  row.read_mib_s = 48.2;
  row.p99_ns = 2 * kNsPerMs;
  return row;
}

std::string Line(Nanos oldest_age_ns, const report::IntervalRow& row = Row()) {
  return ProgressLine::Format(5 * kNsPerSec, 60 * kNsPerSec, kThreshold, row, 32, oldest_age_ns);
}

TEST(ProgressLine, ShowsStallWithTheAgeWhenOldestIsOlderThanTheThreshold) {
  const std::string line = Line(3200 * kNsPerMs);
  EXPECT_NE(line.find("STALL 3.20 s"), std::string::npos) << line;
  EXPECT_NE(line.find("oldest 3.20 s"), std::string::npos) << line;
}

TEST(ProgressLine, NoStallAtOrBelowTheThreshold) {
  EXPECT_EQ(Line(kThreshold).find("STALL"), std::string::npos) << Line(kThreshold);
  EXPECT_EQ(Line(2 * kNsPerMs).find("STALL"), std::string::npos);
  EXPECT_EQ(Line(0).find("STALL"), std::string::npos);
}

TEST(ProgressLine, ShowsTheFigures) {
  const std::string line = Line(2 * kNsPerMs);
  EXPECT_NE(line.find("[   5.0s/60s]"), std::string::npos) << line;
  EXPECT_NE(line.find("r 12.3k"), std::string::npos) << line;
  EXPECT_NE(line.find("w 250"), std::string::npos) << line;
  EXPECT_NE(line.find("inflight 32"), std::string::npos) << line;
  EXPECT_NE(line.find("p99 2.00 ms"), std::string::npos) << line;
}

TEST(ProgressLine, ShowsErrorsOnlyWhenThereAreSome) {
  report::IntervalRow row = Row();
  EXPECT_EQ(Line(0, row).find("errors"), std::string::npos);
  row.errors = 17;
  const std::string line = Line(0, row);
  EXPECT_NE(line.find("errors 17"), std::string::npos) << line;
}

}  // namespace
}  // namespace healbench
