// fault_active bookkeeping: a successful disruptive fault sets its (action, node) series to
// 1, the matching undo (kind fault or undo) clears it, failed actions change nothing, and
// the initial series come from the timeline (one empty series when it has no faults).
#include "harness/metrics/fault_gauge_state.h"

#include <gtest/gtest.h>

namespace healbench {
namespace {

TEST(FaultGaugeState, DisruptiveFaultSetsItsSeries) {
  EXPECT_EQ(FaultGaugeChangesFor("fault", "freeze", "n1", true),
            (std::vector<FaultGaugeChange>{{"freeze", "n1", 1}}));
  EXPECT_EQ(FaultGaugeChangesFor("fault", "partition", "n2", true),
            (std::vector<FaultGaugeChange>{{"partition", "n2", 1}}));
}

TEST(FaultGaugeState, UndoClearsTheMatchingFaultWhetherStepOrEndOfRun) {
  EXPECT_EQ(FaultGaugeChangesFor("fault", "thaw", "n1", true),
            (std::vector<FaultGaugeChange>{{"freeze", "n1", 0}}));
  EXPECT_EQ(FaultGaugeChangesFor("undo", "reconnect", "n1", true),
            (std::vector<FaultGaugeChange>{{"disconnect", "n1", 0}}));
  EXPECT_EQ(FaultGaugeChangesFor("undo", "heal_partition", "n3", true),
            (std::vector<FaultGaugeChange>{{"partition", "n3", 0}}));
  EXPECT_EQ(FaultGaugeChangesFor("fault", "restart", "n1", true),
            (std::vector<FaultGaugeChange>{{"kill", "n1", 0}}));
}

TEST(FaultGaugeState, FailedActionsAndOtherEventsChangeNothing) {
  EXPECT_TRUE(FaultGaugeChangesFor("fault", "freeze", "n1", false).empty());
  EXPECT_TRUE(FaultGaugeChangesFor("undo", "thaw", "n1", false).empty());
  EXPECT_TRUE(FaultGaugeChangesFor("fault", "command", "", true).empty());
  EXPECT_TRUE(FaultGaugeChangesFor("run", "start", "", true).empty());
}

TEST(FaultGaugeState, InitialSeriesAreTheTimelinesDisruptiveFaultsOnce) {
  std::vector<FaultStep> steps(4);
  steps[0].action = "freeze";
  steps[0].node = "a";
  steps[1].action = "thaw";
  steps[1].node = "a";
  steps[2].action = "freeze";
  steps[2].node = "a";
  steps[3].action = "disconnect";
  steps[3].node = "b";
  using Series = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(InitialFaultSeries(steps), (Series{{"freeze", "a"}, {"disconnect", "b"}}));
  EXPECT_EQ(InitialFaultSeries({}), (Series{{"", ""}}));
}

}  // namespace
}  // namespace healbench
