// Tests of the terminal summary: the sample run against a golden file, and the markers an
// operator relies on (INTERRUPTED, open stalls, n/a verdicts, "(+N more)").
#include "reports/terminal_summary.h"

#include <gtest/gtest.h>

#include "tests/unit/reports/golden_match.h"
#include "tests/unit/reports/sample_run.h"

namespace healbench::report {
namespace {

TEST(TerminalSummary, MatchesGolden) {
  EXPECT_TRUE(golden::MatchesGoldenFile("terminal_summary", TerminalSummary(SampleRun())));
}

TEST(TerminalSummary, EmptyRunMatchesGolden) {
  EXPECT_TRUE(golden::MatchesGoldenFile("terminal_summary_empty", TerminalSummary(RunResult{})));
}

TEST(TerminalSummary, MarksInterruptedRuns) {
  RunResult r = SampleRun();
  r.interrupted = true;
  std::string text = TerminalSummary(r);
  EXPECT_NE(text.substr(0, text.find('\n')).find("INTERRUPTED"), std::string::npos) << text;
}

TEST(TerminalSummary, ListsOnlyTheFirstStallsAndCountsTheRest) {
  RunResult r = SampleRun();
  r.stalls.resize(8, r.stalls[0]);
  std::string text = TerminalSummary(r);
  EXPECT_NE(text.find("stalls: 8,"), std::string::npos) << text;
  EXPECT_NE(text.find("  (+3 more)\n"), std::string::npos) << text;
}

TEST(TerminalSummary, ShowsTheExpectedStallBesideTheMeasuredOne) {
  RunResult r = SampleRun();
  EXPECT_EQ(TerminalSummary(r).find("expected stall"), std::string::npos);
  r.derived.expected_stall_s = 5.0;
  r.derived.expected_stall_basis = "network.ping-timeout of volume gv0";
  const std::string text = TerminalSummary(r);
  EXPECT_NE(text.find("expected stall at a silent fault 5.00s (network.ping-timeout of volume "
                      "gv0), measured max stall 4.20s\n"),
            std::string::npos)
      << text;
}

TEST(TerminalSummary, HasNoControlCharactersBeyondNewlines) {
  for (char c : TerminalSummary(SampleRun())) {
    EXPECT_TRUE(c == '\n' || (c >= ' ' && c <= '~')) << static_cast<int>(c);
  }
}

}  // namespace
}  // namespace healbench::report
