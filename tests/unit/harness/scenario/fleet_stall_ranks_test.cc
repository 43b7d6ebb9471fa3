// run.fleet_stall_ranks: the forms a scenario may use and the count each means.
#include "harness/scenario/fleet_stall_ranks.h"

#include <gtest/gtest.h>

namespace healbench {
namespace {

TEST(FleetStallRanks, ValidForms) {
  for (const char* ok : {"any", "all", "50%", "100%", "1%", "1", "12"})
    EXPECT_TRUE(FleetStallRanksValid(ok)) << ok;
  for (const char* bad : {"", "none", "0", "0%", "101%", "-1", "2.5", "50 %", "%", "1e3"})
    EXPECT_FALSE(FleetStallRanksValid(bad)) << bad;
}

TEST(FleetStallRanks, ResolvesAgainstTheFleetSize) {
  EXPECT_EQ(ResolveFleetStallRanks("any", 8), 1);
  EXPECT_EQ(ResolveFleetStallRanks("all", 8), 8);
  EXPECT_EQ(ResolveFleetStallRanks("50%", 8), 4);
  EXPECT_EQ(ResolveFleetStallRanks("50%", 5), 3);  // rounded up
  EXPECT_EQ(ResolveFleetStallRanks("1%", 8), 1);
  EXPECT_EQ(ResolveFleetStallRanks("3", 8), 3);
  EXPECT_EQ(ResolveFleetStallRanks("30", 8), 8);  // at most all
}

}  // namespace
}  // namespace healbench
