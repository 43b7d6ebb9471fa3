// /proc/mdstat parsing on real captures (pymdstat test data, linux-raid mails with NBSP,
// wrapped lines and tabs) plus the sysfs sync_completed refinement.
#include "harness/probes/md_status.h"

#include <gtest/gtest.h>

#include "tests/unit/harness/probes/fixture.h"

namespace healbench {
namespace {

using testing::Fixture;

SyncSample Parse(const std::string& fixture, const MdOptions& o = {}) {
  return ParseMdstat(Fixture("md/" + fixture), o);
}

TEST(Mdstat, CleanArraysAreInSyncAndEveryMemberSafe) {
  const SyncSample s = Parse("mdstat_clean_raid1_raid5.txt");
  EXPECT_EQ(s.state, SyncState::kInSync);
  EXPECT_EQ(s.out_of_sync_bytes, 0u);
  EXPECT_FALSE(s.pending_entries.has_value());
  EXPECT_EQ(s.safe_to_stop.size(), 16u);
  for (const auto& [dev, safe] : s.safe_to_stop) EXPECT_TRUE(safe) << dev;
  EXPECT_EQ(s.detail,
            "md1 raid1 [2/2] [UU]; md2 raid1 [2/2] [UU]; md3 raid5 [10/10] [UUUUUUUUUU]; md0 "
            "raid1 [2/2] [UU]");
}

TEST(Mdstat, Raid5RecoveryIsHealingWithBytesToGo) {
  const SyncSample s = Parse("mdstat_raid5_recovery_degraded.txt");
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_FALSE(s.heal_waiting);
  EXPECT_EQ(s.out_of_sync_bytes, (292945152ull - 37043392ull) * 1024);
  EXPECT_FALSE(s.estimate);
  EXPECT_EQ(s.detail, "md127 raid5 [6/5] [UUUUU_] recovery 12.6%");
  EXPECT_FALSE(s.safe_to_stop.at("sdc1"));
}

TEST(Mdstat, FailedMemberWithoutRebuildIsDegraded) {
  const SyncSample s = Parse("mdstat_raid1_failed_member_degraded.txt");
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_FALSE(s.out_of_sync_bytes.has_value());
  EXPECT_EQ(s.detail, "md1 raid1 [6/4] [_UUUU_] member missing, no rebuild running");
  EXPECT_TRUE(s.safe_to_stop.at("sde1"));  // (F): already out
  EXPECT_FALSE(s.safe_to_stop.at("sdg1"));
}

TEST(Mdstat, MailWrappedNbspRecoveryAndDelayedResync) {
  const SyncSample all = Parse("mdstat_raid1_recovery_and_resync_delayed.txt");
  EXPECT_EQ(all.state, SyncState::kHealing);
  EXPECT_FALSE(all.heal_waiting);                   // md1 is recovering
  EXPECT_FALSE(all.out_of_sync_bytes.has_value());  // md0's delayed resync has no count
  EXPECT_EQ(all.detail, "md0 raid1 [2/1] [_U] resync waiting; md1 raid1 [2/1] [_U] recovery 0.4%");

  const SyncSample md1 = Parse("mdstat_raid1_recovery_and_resync_delayed.txt", {.array = "md1"});
  EXPECT_EQ(md1.state, SyncState::kHealing);
  EXPECT_EQ(md1.out_of_sync_bytes, (968949696ull - 4015552ull) * 1024);

  const SyncSample md0 = Parse("mdstat_raid1_recovery_and_resync_delayed.txt", {.array = "md0"});
  EXPECT_EQ(md0.state, SyncState::kHealing);
  EXPECT_TRUE(md0.heal_waiting);
}

TEST(Mdstat, WrappedRecoveryLine) {
  const SyncSample s = Parse("mdstat_raid1_recovery_after_disk_replace.txt");
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.out_of_sync_bytes, (2930135488ull - 46390912ull) * 1024);
}

TEST(Mdstat, SysfsSyncCompletedRefinesTheBytes) {
  // md6's sync_completed value from the sysfs fixture, applied to a recovering array.
  const std::string tsv = testing::ReadFixtureRaw("md/sysfs_md_attributes_procfs_FIXTURE.tsv");
  const std::string key = "/sys/block/md6/md/sync_completed\t";
  const auto at = tsv.find(key);
  ASSERT_NE(at, std::string::npos);
  const std::string completed = tsv.substr(at + key.size(), tsv.find('\n', at) - at - key.size());
  ASSERT_EQ(completed, "1569888 / 2093056");
  const SyncSample s =
      Parse("mdstat_raid1_recovery_after_disk_replace.txt",
            {.array = "md4", .sync_action = "recover\n", .sync_completed = completed + "\n"});
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.out_of_sync_bytes, (2093056ull - 1569888ull) * 512);
}

TEST(Mdstat, SysfsFrozenMakesADegradedArrayWait) {
  const SyncSample s = Parse("mdstat_raid1_failed_member_degraded.txt",
                             {.array = "md1", .sync_action = "frozen", .sync_completed = "none"});
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_TRUE(s.heal_waiting);
}

TEST(Mdstat, CheckRunningIsStillInSync) {
  const SyncSample s = Parse("mdstat_raid10_check_in_progress.txt");
  EXPECT_EQ(s.state, SyncState::kInSync);
  EXPECT_EQ(s.detail, "md0 raid10 [2/2] [UU] check 13.7%");
}

TEST(Mdstat, ResyncAfterUncleanShutdownIsHealing) {
  const SyncSample s = Parse("mdstat_raid6_resync_after_unclean_shutdown.txt");
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.out_of_sync_bytes, (104791040ull - 95553272ull) * 1024);
}

TEST(Mdstat, ResyncPendingWaits) {
  const SyncSample all = Parse("mdstat_raid10_resync_and_resync_pending.txt");
  EXPECT_EQ(all.state, SyncState::kHealing);
  EXPECT_FALSE(all.heal_waiting);  // md3 runs
  const SyncSample md2 = Parse("mdstat_raid10_resync_and_resync_pending.txt", {.array = "md2"});
  EXPECT_EQ(md2.state, SyncState::kHealing);
  EXPECT_TRUE(md2.heal_waiting);
  EXPECT_EQ(md2.detail, "md2 raid10 [8/8] [UUUUUUUU] resync waiting");
}

TEST(Mdstat, TabIndentedDegradedRaid10) {
  const SyncSample s = Parse("mdstat_raid10_degraded_member_kicked.txt");
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_EQ(s.detail, "md124 raid10 [4/3] [UU_U] member missing, no rebuild running");
}

TEST(Mdstat, InactiveArrayIsDegradedButItsSparesAreSafe) {
  const SyncSample s = Parse("mdstat_inactive_all_spares.txt");
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_TRUE(s.safe_to_stop.at("sdb"));
  EXPECT_TRUE(s.safe_to_stop.at("sde1"));
}

TEST(Mdstat, NoArraysIsUnknown) {
  const SyncSample s = Parse("mdstat_no_arrays.txt");
  EXPECT_EQ(s.state, SyncState::kUnknown);
  EXPECT_EQ(s.detail, "no md arrays in /proc/mdstat");
}

TEST(Mdstat, Raid0HasNoRedundancy) {
  const SyncSample s = Parse("mdstat_clean_raid1_bitmap_raid0.txt");
  EXPECT_EQ(s.state, SyncState::kInSync);
  EXPECT_TRUE(s.safe_to_stop.at("sda3"));
  EXPECT_FALSE(s.safe_to_stop.at("sdg"));  // a raid0 member: its loss kills the array
}

TEST(Mdstat, MultiArrayFragmentWithoutBlankLines) {
  const SyncSample s = Parse("mdstat_raid5_slow_recovery_multi_array.txt");
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.out_of_sync_bytes, (1423666176ull - 109702192ull) * 1024);
  EXPECT_EQ(Parse("mdstat_raid5_slow_recovery_multi_array.txt", {.array = "md1"}).state,
            SyncState::kInSync);
}

TEST(Mdstat, MissingArrayAndTruncation) {
  EXPECT_EQ(Parse("mdstat_clean_raid1_raid5.txt", {.array = "md9"}).detail,
            "md9 not in /proc/mdstat");
  const SyncSample s = ParseMdstat("md0 : active raid1 sda1[0] sdb1[1]\n", {});
  EXPECT_EQ(s.state, SyncState::kUnknown);
  EXPECT_EQ(s.detail, "md0: no [n/m] [UU] line (truncated output?)");
}

}  // namespace
}  // namespace healbench
