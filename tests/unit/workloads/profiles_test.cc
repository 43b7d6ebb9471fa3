// Tests for the named workload profiles: every listed name resolves to usable parameters,
// and an unknown name is bad input that lists the valid names.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "workloads/workload_params.h"

namespace healbench {
namespace {

using ::testing::HasSubstr;

TEST(Profiles, ListsTheDesignedProfilesInOrder) {
  EXPECT_THAT(ProfileNames(), ::testing::ElementsAre("vm-mixed", "randread", "randwrite", "randrw",
                                                     "seq-read", "seq-write", "db", "boot-storm"));
}

TEST(Profiles, EveryListedProfileResolvesToUsableParams) {
  for (const std::string& name : ProfileNames()) {
    SCOPED_TRACE(name);
    Result<WorkloadParams> p = ProfileDefaults(name);
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->profile, name);
    ASSERT_FALSE(p->bs.empty());
    for (const BlockSizeWeight& b : p->bs) {
      EXPECT_GT(b.weight, 0u);
      EXPECT_EQ(b.bytes % 4096, 0u);
    }
    EXPECT_GE(p->read_pct, 0);
    EXPECT_LE(p->read_pct, 100);
    EXPECT_GE(p->random_pct, 0);
    EXPECT_LE(p->random_pct, 100);
    EXPECT_GT(p->iodepth, 0u);
    EXPECT_GT(p->region_fraction, 0);
    EXPECT_LE(p->region_fraction, 1);
    EXPECT_FALSE(p->rate_iops.has_value());  // profiles are closed loop; rate is an override
  }
}

TEST(Profiles, VmMixedFlushesLikeAGuestJournal) {
  Result<WorkloadParams> p = ProfileDefaults("vm-mixed");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->read_pct, 70);
  EXPECT_EQ(p->fsync_every, 32u);
  EXPECT_EQ(p->bs.size(), 5u);
}

TEST(Profiles, DbSyncsEveryWrite) {
  Result<WorkloadParams> p = ProfileDefaults("db");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->fsync_every, 1u);
  ASSERT_EQ(p->bs.size(), 1u);
  EXPECT_EQ(p->bs[0].bytes, 8192u);
}

TEST(Profiles, BootStormStaysInTheFirstTenthOfTheDisk) {
  Result<WorkloadParams> p = ProfileDefaults("boot-storm");
  ASSERT_TRUE(p.ok());
  EXPECT_DOUBLE_EQ(p->region_fraction, 0.1);
  EXPECT_GE(p->read_pct, 90);
}

TEST(Profiles, SequentialProfilesAreNotRandom) {
  for (const char* name : {"seq-read", "seq-write"}) {
    Result<WorkloadParams> p = ProfileDefaults(name);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->random_pct, 0) << name;
    EXPECT_EQ(p->bs[0].bytes, 128u * 1024) << name;
  }
}

TEST(Profiles, UnknownNameIsBadInputListingValidNames) {
  Result<WorkloadParams> p = ProfileDefaults("randomread");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(p.error().message,
            "workload profile \"randomread\": unknown (valid: vm-mixed, randread, randwrite, "
            "randrw, seq-read, seq-write, db, boot-storm)");
  EXPECT_THAT(p.error().message, HasSubstr("randomread"));
}

}  // namespace
}  // namespace healbench
