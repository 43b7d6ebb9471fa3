// Fleet stalls: stretches where enough ranks were stalled at once, with the ranks involved.
#include "harness/fleet/fleet_stalls.h"

#include <gtest/gtest.h>

namespace healbench {
namespace {

TEST(FleetStalls, AnyRankMergesOverlapsAcrossRanks) {
  const std::vector<RankStalls> ranks = {{0, {{3.0, 5.0}}}, {1, {{4.0, 6.0}}}, {2, {{8.0, 9.0}}}};
  const auto s = FindFleetStalls(ranks, 1);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_DOUBLE_EQ(s[0].start_s, 3.0);
  EXPECT_DOUBLE_EQ(s[0].end_s, 6.0);
  EXPECT_DOUBLE_EQ(s[0].duration_s, 3.0);
  EXPECT_EQ(s[0].ranks, (std::vector<int>{0, 1}));
  EXPECT_EQ(s[1].ranks, (std::vector<int>{2}));
}

TEST(FleetStalls, AQuorumOfRanksIsTheOverlapOnly) {
  const std::vector<RankStalls> ranks = {
      {0, {{3.0, 5.0}}}, {1, {{4.0, 6.0}}}, {2, {{4.5, 7.0}}}, {3, {}}};
  const auto two = FindFleetStalls(ranks, 2);
  ASSERT_EQ(two.size(), 1u);
  EXPECT_DOUBLE_EQ(two[0].start_s, 4.0);
  EXPECT_DOUBLE_EQ(two[0].end_s, 6.0);
  EXPECT_EQ(two[0].ranks, (std::vector<int>{0, 1, 2}));
  const auto three = FindFleetStalls(ranks, 3);
  ASSERT_EQ(three.size(), 1u);
  EXPECT_DOUBLE_EQ(three[0].start_s, 4.5);
  EXPECT_DOUBLE_EQ(three[0].end_s, 5.0);
  EXPECT_TRUE(FindFleetStalls(ranks, 4).empty());  // rank 3 never stalled
}

TEST(FleetStalls, StallsThatOnlyTouchAreNotTogether) {
  const std::vector<RankStalls> ranks = {{0, {{1.0, 2.0}}}, {1, {{2.0, 3.0}}}};
  EXPECT_TRUE(FindFleetStalls(ranks, 2).empty());
  EXPECT_EQ(FindFleetStalls(ranks, 1).size(), 2u);
}

TEST(FleetStalls, NoStallsNoFleetStalls) {
  EXPECT_TRUE(FindFleetStalls({}, 1).empty());
  EXPECT_TRUE(FindFleetStalls({{0, {}}, {1, {}}}, 1).empty());
}

}  // namespace
}  // namespace healbench
