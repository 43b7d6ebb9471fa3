// Tests of timeseries.csv: golden output of the sample run, the header alone for a run with
// no intervals, and quoting of text fields.
#include "reports/timeseries_csv.h"

#include <gtest/gtest.h>

#include "tests/unit/reports/golden_match.h"
#include "tests/unit/reports/sample_run.h"

namespace healbench::report {
namespace {

TEST(TimeseriesCsv, MatchesGolden) {
  EXPECT_TRUE(golden::MatchesGoldenFile("timeseries_csv", TimeseriesCsv(SampleRun())));
}

TEST(TimeseriesCsv, NoIntervalsGivesHeaderOnly) {
  EXPECT_EQ(TimeseriesCsv(RunResult{}), std::string(kTimeseriesCsvHeader) + "\n");
}

TEST(TimeseriesCsv, QuotesTextWithCommasOrQuotes) {
  RunResult r;
  IntervalRow row;
  row.phase = "odd,\"phase\"";
  r.timeseries.push_back(row);
  std::string csv = TimeseriesCsv(r);
  EXPECT_NE(csv.find("\n0.000,\"odd,\"\"phase\"\"\",0.0,"), std::string::npos) << csv;
}

}  // namespace
}  // namespace healbench::report
