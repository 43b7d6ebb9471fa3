// DRBD status parsing: `drbdsetup status --json` (including the invalid `nan` older
// drbd-utils print) and the text forms, on the public samples in fixtures/drbd.
#include "harness/probes/drbd_status.h"

#include <gtest/gtest.h>

#include "tests/unit/harness/probes/fixture.h"

namespace healbench {
namespace {

using testing::Fixture;
using Safe = std::map<std::string, bool>;

SyncSample Parse(const std::string& fixture, const DrbdOptions& o = {}) {
  return ParseDrbdStatus(Fixture("drbd/" + fixture), o);
}

TEST(DrbdStatus, JsonConnectedUpToDateIsInSync) {
  const SyncSample s = Parse("drbd9_status_json_connected_uptodate.txt");
  EXPECT_EQ(s.state, SyncState::kInSync);
  EXPECT_EQ(s.out_of_sync_bytes, 0u);
  EXPECT_FALSE(s.estimate);
  EXPECT_FALSE(s.pending_entries.has_value());
  EXPECT_EQ(s.detail, "1 resource(s), 1 peer(s) connected and UpToDate");
  EXPECT_EQ(s.safe_to_stop, (Safe{{"local", true}, {"salt-node3", true}}));
}

TEST(DrbdStatus, JsonWithNanAtResyncStartIsHealing) {
  const SyncSample s = Parse("drbd9_status_json_syncsource_start_nan.txt");
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.out_of_sync_bytes, 409600u * 1024);
  EXPECT_FALSE(s.heal_waiting);
  EXPECT_EQ(s.detail,
            "shanghai peer SLE12-sp4-node2 vol 0: SyncSource (409600 KiB out of sync, 0.00% done)");
  // The peer is Inconsistent: only this node has the data.
  EXPECT_EQ(s.safe_to_stop, (Safe{{"local", false}, {"SLE12-sp4-node2", true}}));
}

TEST(DrbdStatus, JsonPeerConnectingIsDegraded) {
  DrbdOptions o;
  o.local_node = "node-a";
  const SyncSample s = Parse("drbd9_status_json_peer_connecting_oos_CONSTRUCTED.txt", o);
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_EQ(s.out_of_sync_bytes, 262144u * 1024);
  EXPECT_EQ(s.detail, "r0 peer node-b: Connecting (262144 KiB out of sync, 75.00% in sync)");
  EXPECT_EQ(s.safe_to_stop, (Safe{{"node-a", false}, {"node-b", true}}));
}

TEST(DrbdStatus, JsonTwoResources) {
  const SyncSample s = Parse("drbd9_status_json_two_resources_FIXTURE.txt");
  EXPECT_EQ(s.state, SyncState::kInSync);
  EXPECT_EQ(s.out_of_sync_bytes, 0u);
  EXPECT_EQ(s.detail, "2 resource(s), 2 peer(s) connected and UpToDate");
  EXPECT_EQ(s.safe_to_stop, (Safe{{"local", true}, {"SLE15-sp1-gm-drbd1145296-node1", true}}));
}

TEST(DrbdStatus, ResourceFilter) {
  DrbdOptions o;
  o.resource = "1-single-1";
  EXPECT_EQ(Parse("drbd9_status_json_two_resources_FIXTURE.txt", o).detail,
            "1 resource(s), 1 peer(s) connected and UpToDate");
  o.resource = "r7";
  const SyncSample s = Parse("drbd9_status_json_two_resources_FIXTURE.txt", o);
  EXPECT_EQ(s.state, SyncState::kUnknown);
  EXPECT_EQ(s.detail, "resource r7 not in output");
}

TEST(DrbdStatus, VerboseTextOnePeerConnecting) {
  const SyncSample s = Parse("drbd9_status_verbose_statistics_one_peer_connecting.txt");
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_EQ(s.out_of_sync_bytes, 0u);
  EXPECT_EQ(s.detail, "home peer nono: Connecting");
  EXPECT_EQ(s.safe_to_stop,
            (Safe{{"local", false}, {"nina", false}, {"nino", false}, {"nono", true}}));
}

TEST(DrbdStatus, VerboseTextSyncTargetInProgress) {
  const SyncSample s = Parse("drbd9_status_verbose_statistics_synctarget_progress.txt");
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.out_of_sync_bytes, 6411740ull * 1024);
  EXPECT_EQ(s.detail, "r1 peer drbd2 vol 0: SyncTarget (6411740 KiB out of sync, 23.53% done)");
  // This node is the Inconsistent one; its peer holds the data.
  EXPECT_EQ(s.safe_to_stop, (Safe{{"local", true}, {"drbd2", false}}));
}

TEST(DrbdStatus, VerboseTextStuckSyncTargetAndDisklessClient) {
  const SyncSample s = Parse("drbd9_status_verbose_statistics_synctarget_stuck.txt");
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.out_of_sync_bytes, 0u);
  EXPECT_EQ(s.detail, "one-vm-9120-disk-0 peer m14c19 vol 0: SyncTarget (0 KiB out of sync)");
  EXPECT_EQ(s.safe_to_stop, (Safe{{"local", true}, {"m14c19", false}, {"m14c36", true}}));
}

TEST(DrbdStatus, DrbdadmTwoVolumesWithSuspendedThirdNode) {
  const SyncSample s =
      Parse("drbd9_drbdadm_status_two_volumes_synctarget_resync_suspended_peer.txt");
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_FALSE(s.heal_waiting);                   // node1 → here is running
  EXPECT_FALSE(s.out_of_sync_bytes.has_value());  // drbdadm status prints no counters
  EXPECT_EQ(s.safe_to_stop, (Safe{{"local", false}, {"drbd-node1", false}, {"drbd-node2", false}}));
  EXPECT_NE(s.detail.find("drbd-node2 vol 0: Inconsistent, resync suspended (peer)"),
            std::string::npos)
      << s.detail;
}

TEST(DrbdStatus, DrbdadmSyncSource) {
  const SyncSample s = Parse("drbd9_drbdadm_status_syncsource_done.txt");
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.detail, "single peer opensuse-node2 vol 0: SyncSource (96.47% done)");
  EXPECT_EQ(s.safe_to_stop, (Safe{{"local", false}, {"opensuse-node2", true}}));
}

TEST(DrbdStatus, Drbd8ProcDrbdIsUnsupported) {
  const SyncSample s = Parse("drbd84_proc_drbd_syncsource.txt");
  EXPECT_EQ(s.state, SyncState::kUnknown);
  EXPECT_EQ(s.detail, "DRBD 8 /proc/drbd format is not supported (use drbdsetup status --json)");
}

TEST(DrbdStatus, TruncatedJsonIsUnknown) {
  const std::string full = Fixture("drbd/drbd9_status_json_connected_uptodate.txt");
  const SyncSample s = ParseDrbdStatus(full.substr(0, full.find("\"peer_devices\"")), {});
  EXPECT_EQ(s.state, SyncState::kUnknown);
  EXPECT_EQ(s.detail,
            "drbdsetup status --json: truncated or malformed JSON (brackets do not close)");
}

TEST(DrbdStatus, EmptyJsonArrayIsUnknown) {
  EXPECT_EQ(ParseDrbdStatus("[\n]\n", {}).detail, "no DRBD resources in output");
}

TEST(DrbdStatus, TextThatIsNotStatusIsUnknown) {
  const SyncSample s = ParseDrbdStatus("drbdsetup: command not found\n", {});
  EXPECT_EQ(s.state, SyncState::kUnknown);
  EXPECT_EQ(s.detail, "not drbd status output: \"drbdsetup: command not found\"");
  EXPECT_EQ(ParseDrbdStatus("r0 role:Primary\n", {}).detail, "resource r0: no volumes in output");
}

}  // namespace
}  // namespace healbench
