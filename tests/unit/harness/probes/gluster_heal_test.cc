// GlusterFS heal info parsing on live GlusterFS 10.3 captures and public samples: states,
// pending counts, the "heal waiting for the crawl" case, safe_to_stop per brick.
#include "harness/probes/gluster_heal.h"

#include <gtest/gtest.h>

#include "tests/unit/harness/probes/fixture.h"

namespace healbench {
namespace {

using testing::Fixture;

constexpr const char* kR2a = "vm:<base>/bricks/r2a";
constexpr const char* kR2b = "vm:<base>/bricks/r2b";

SyncSample Parse(const std::string& fixture, GlusterOptions o = {}) {
  if (o.volume.empty()) o.volume = "r2";
  return ParseGlusterHealInfo(Fixture("gluster/" + fixture), o);
}

TEST(GlusterHeal, HealthySummaryXmlIsInSyncAndSafe) {
  const SyncSample s = Parse("healthy-heal-info-summary.xml.txt");
  EXPECT_EQ(s.state, SyncState::kInSync);
  EXPECT_EQ(s.pending_entries, 0u);
  EXPECT_FALSE(s.heal_waiting);
  EXPECT_FALSE(s.out_of_sync_bytes.has_value());  // no shard or image size given
  EXPECT_EQ(s.safe_to_stop, (std::map<std::string, bool>{{kR2a, true}, {kR2b, true}}));
}

TEST(GlusterHeal, RunningHealFromSummaryXml) {
  GlusterOptions o;
  o.image_size_bytes = 1ull << 30;
  const SyncSample s = Parse("a_kill-healing-heal-info-summary.xml.txt", o);
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.pending_entries, 2u);  // 1 + 1
  EXPECT_FALSE(s.heal_waiting);      // possibly healing 1 + 1
  EXPECT_EQ(s.out_of_sync_bytes, 2ull << 30);
  EXPECT_TRUE(s.estimate);
  EXPECT_EQ(s.detail, "2 entries pending, 2 possibly healing");
  EXPECT_EQ(s.safe_to_stop, (std::map<std::string, bool>{{kR2a, false}, {kR2b, false}}));
}

TEST(GlusterHeal, PendingWithNothingHealingIsReportedAsWaiting) {
  GlusterOptions o;
  o.shard_size_bytes = 64ull << 20;
  o.image_size_bytes = 1ull << 30;  // shards win
  const SyncSample s = Parse("b1_sigstop_pt42-healing-heal-info-summary.xml.txt", o);
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.pending_entries, 3u);  // 2 + 1
  EXPECT_TRUE(s.heal_waiting);
  EXPECT_EQ(s.out_of_sync_bytes, 3 * (64ull << 20));
  EXPECT_EQ(s.detail,
            "3 entries pending, heal not running (waits for the self-heal crawl or "
            "`gluster volume heal r2`)");
  EXPECT_EQ(s.safe_to_stop, (std::map<std::string, bool>{{kR2a, false}, {kR2b, false}}));
}

TEST(GlusterHeal, DroppedBrickHealWaitsToo) {
  const SyncSample s = Parse("c_drop_pt5-healing-heal-info-summary.xml.txt");
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.pending_entries, 2u);
  EXPECT_TRUE(s.heal_waiting);
}

TEST(GlusterHeal, ArbiterVolumeHealing) {
  const SyncSample s = Parse("arb_kill-healing-heal-info-summary.xml.txt", {.volume = "r3a"});
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.pending_entries, 4u);  // 1 + 1 + 2
  EXPECT_FALSE(s.heal_waiting);
  EXPECT_EQ(s.safe_to_stop.size(), 3u);
  for (const auto& [brick, safe] : s.safe_to_stop) EXPECT_FALSE(safe) << brick;
}

TEST(GlusterHeal, BrickDownInSummaryTextIsDegraded) {
  const SyncSample s = Parse("a_kill-during-fault-heal-info-summary.txt");
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_EQ(s.pending_entries, 2u);  // the connected brick's; the other prints "-"
  EXPECT_EQ(s.detail,
            "brick vm:<base>/bricks/r2b: Transport endpoint is not connected; 2 entries pending "
            "on the connected bricks");
  EXPECT_EQ(s.safe_to_stop, (std::map<std::string, bool>{{kR2a, false}, {kR2b, false}}));
}

TEST(GlusterHeal, ArbiterBrickDown) {
  const SyncSample s = Parse("arb_kill-during-fault-heal-info-summary.txt", {.volume = "r3a"});
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_EQ(s.pending_entries, 4u);
}

TEST(GlusterHeal, HealInfoTextWithoutMarkerMeansWaiting) {
  const SyncSample s = Parse("b1_sigstop_pt42-healing-heal-info.txt");
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.pending_entries, 1u);
  EXPECT_TRUE(s.heal_waiting);
  // r2a lists the entry: it holds the good copy, so stopping it is not safe either.
  EXPECT_EQ(s.safe_to_stop, (std::map<std::string, bool>{{kR2a, false}, {kR2b, false}}));
}

TEST(GlusterHeal, HealInfoTextPossiblyUndergoingHealMeansRunning) {
  const SyncSample s = Parse("a_kill-healing-heal-info.txt");
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.pending_entries, 1u);
  EXPECT_FALSE(s.heal_waiting);
  EXPECT_EQ(s.detail, "1 entries pending, 1 possibly healing");
}

TEST(GlusterHeal, HealInfoTextBrickDown) {
  const SyncSample s = Parse("a_kill-during-fault-heal-info.txt");
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_EQ(s.pending_entries, 1u);
}

TEST(GlusterHeal, HealInfoXmlCannotTellWhetherAHealRuns) {
  const SyncSample s = Parse("b1_sigstop_pt42-healing-heal-info.xml.txt");
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.pending_entries, 1u);
  EXPECT_FALSE(s.heal_waiting);
  EXPECT_EQ(s.detail, "1 entries pending (this output does not say whether a heal is running)");
}

TEST(GlusterHeal, HealthyHealInfoText) {
  const SyncSample s = Parse("healthy-heal-info.txt");
  EXPECT_EQ(s.state, SyncState::kInSync);
  EXPECT_EQ(s.pending_entries, 0u);
}

TEST(GlusterHeal, HealthySplitBrainListing) {
  const SyncSample s = Parse("healthy-heal-info-split-brain.txt");
  EXPECT_EQ(s.state, SyncState::kInSync);
  EXPECT_EQ(s.pending_entries, 0u);
}

TEST(GlusterHeal, CliErrorXmlIsUnknownWithTheMessage) {
  const SyncSample s = Parse("b1_sigstop_pt42-during-fault-volume-status.xml.txt");
  EXPECT_EQ(s.state, SyncState::kUnknown);
  EXPECT_EQ(s.detail,
            "gluster CLI error (opRet -1): Another transaction is in progress for r2. Please try "
            "again after some time.");
}

TEST(GlusterHeal, HungCliLeavesNoOutputAndIsUnknown) {
  const SyncSample s = Parse("b1_sigstop_pt42-during-fault-heal-count.txt");
  EXPECT_EQ(s.state, SyncState::kUnknown);
  EXPECT_EQ(s.detail, "empty output");
}

TEST(GlusterHeal, SplitBrainShardsAreDegraded) {
  const SyncSample s = Parse("heal_info_split_brain_vm_shards.txt");
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_EQ(s.pending_entries, 9u);
  EXPECT_EQ(s.detail, "9 entries in split-brain (need manual resolution); 9 entries pending");
  for (const auto& [brick, safe] : s.safe_to_stop) EXPECT_FALSE(safe) << brick;
}

TEST(GlusterHeal, SplitBrainInSummaryText) {
  const SyncSample s = Parse("heal_info_summary_split_brain_release_notes.txt");
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_EQ(s.pending_entries, 7u);  // totals 3 + 4
  EXPECT_EQ(s.detail, "2 entries in split-brain (need manual resolution); 7 entries pending");
}

TEST(GlusterHeal, SplitBrainListingIndentedBySalt) {
  const SyncSample s = Parse("heal_info_split_brain_only_gfid_salt_indented.txt");
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_EQ(s.pending_entries, 3u);
  EXPECT_EQ(s.safe_to_stop.count("glusterp1:/bricks/brick1/gv0"), 1u);
}

TEST(GlusterHeal, OldDocsLayoutWithoutStatusLines) {
  const SyncSample s = Parse("heal_info_split_brain_docs_example.txt");
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_EQ(s.pending_entries, 10u);  // 4 + 6, of which 3 + 3 in split-brain
  EXPECT_EQ(s.detail, "6 entries in split-brain (need manual resolution); 10 entries pending");
  EXPECT_EQ(s.safe_to_stop.count("\\<hostname:brickpath-b1>"), 1u);
}

TEST(GlusterHeal, OneBrickDownOthersClean) {
  const SyncSample s = Parse("heal_info_brick_transport_endpoint_not_connected.txt");
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_EQ(s.pending_entries, 0u);
  ASSERT_EQ(s.safe_to_stop.size(), 6u);
  for (const auto& [brick, safe] : s.safe_to_stop) {
    // Only the brick that is already gone may be stopped: every other one would leave it
    // as the missing second copy.
    EXPECT_EQ(safe, brick == "virtual-machine-73.vdc.com:/var/lib/gluster/.bricks/roi-prod-files")
        << brick;
  }
}

TEST(GlusterHeal, ArbiterPeerNotConnectedWithPendingRoot) {
  const SyncSample s = Parse("heal_info_arbiter_peer_not_connected_pending_root.txt");
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_EQ(s.pending_entries, 2u);
  EXPECT_EQ(s.safe_to_stop, (std::map<std::string, bool>{{"server:/mnt/hdd4/gluster", false},
                                                         {"garage:/mnt/hdd2/gluster", false},
                                                         {"fhem:/home/pi/gluster", false}}));
}

TEST(GlusterHeal, KeyByHostGroupsBricks) {
  GlusterOptions o;
  o.key_by_host = true;
  const SyncSample s = Parse("heal_info_brick_transport_endpoint_not_connected.txt", o);
  EXPECT_EQ(s.safe_to_stop.size(), 6u);
  EXPECT_TRUE(s.safe_to_stop.at("virtual-machine-73.vdc.com"));
  EXPECT_FALSE(s.safe_to_stop.at("virtual-machine-71.vdc.com"));
}

TEST(GlusterHeal, TruncatedXmlIsUnknown) {
  const std::string full = Fixture("gluster/b1_sigstop_pt42-healing-heal-info-summary.xml.txt");
  const std::string cut = full.substr(0, full.find("</brick>") + 3);
  const SyncSample s = ParseGlusterHealInfo(cut, {});
  EXPECT_EQ(s.state, SyncState::kUnknown);
  EXPECT_EQ(s.detail, "truncated XML (no </cliOutput>)");
}

TEST(GlusterHeal, TruncatedTextIsUnknown) {
  const std::string full = Fixture("gluster/healthy-heal-info.txt");
  const std::string cut = full.substr(0, full.rfind("Number of entries"));
  const SyncSample s = ParseGlusterHealInfo(cut, {});
  EXPECT_EQ(s.state, SyncState::kUnknown);
  EXPECT_EQ(s.detail, "brick vm:<base>/bricks/r2b: no entry count (truncated output?)");
}

TEST(GlusterHeal, ErrorTextIsUnknownWithItsFirstLine) {
  const SyncSample s = ParseGlusterHealInfo("Volume r9 does not exist\nVolume heal failed.\n", {});
  EXPECT_EQ(s.state, SyncState::kUnknown);
  EXPECT_EQ(s.detail, "no bricks in heal info output: Volume r9 does not exist");
}

TEST(GlusterHeal, NonNumericCountIsUnknown) {
  const SyncSample s =
      ParseGlusterHealInfo("Brick a:/b\nStatus: Connected\nNumber of entries: lots\n", {});
  EXPECT_EQ(s.state, SyncState::kUnknown);
  EXPECT_EQ(s.detail, "brick a:/b: count \"lots\" is not a number");
}

}  // namespace
}  // namespace healbench
