// Ceph parsing: `ceph status -f json` from public samples and a live Ceph 16.2 cluster
// under faults (log lines before the JSON, status lag), and `ceph osd ok-to-stop -f json`.
#include "harness/probes/ceph_status.h"

#include <gtest/gtest.h>

#include "tests/unit/harness/probes/fixture.h"

namespace healbench {
namespace {

using testing::Fixture;

SyncSample Status(const std::string& fixture) {
  return ParseCephStatus(Fixture("ceph/" + fixture), {});
}

TEST(CephStatus, NautilusHealthyIsInSync) {
  const SyncSample s = Status("ceph_status_json_nautilus_healthy.txt");
  EXPECT_EQ(s.state, SyncState::kInSync);
  EXPECT_EQ(s.pending_entries, 0u);
  EXPECT_EQ(s.out_of_sync_bytes, 0u);
  EXPECT_FALSE(s.estimate);
  EXPECT_TRUE(s.safe_to_stop.empty());
  EXPECT_EQ(s.detail, "3/3 OSDs up, 3 in, 96/96 PGs active+clean");
}

TEST(CephStatus, LuminousHostDownIsDegradedWithEstimatedBytes) {
  const SyncSample s = Status("ceph_status_json_luminous_osd_host_down_pg_degraded.txt");
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_EQ(s.pending_entries, 9196074u);
  // 9196074 degraded × (1781122124601 data bytes / 34566784 objects)
  EXPECT_EQ(s.out_of_sync_bytes, 473845957462u);
  EXPECT_TRUE(s.estimate);
}

TEST(CephStatus, ReefBackfillIsHealing) {
  const SyncSample s = Status("ceph_status_json_reef_backfilling_recovering.txt");
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.pending_entries, 139u);  // misplaced only
  EXPECT_EQ(s.out_of_sync_bytes, 0u);  // misplaced copies are whole; none degraded
  EXPECT_EQ(s.detail,
            "5/5 OSDs up, 5 in, 174/185 PGs active+clean, 139 misplaced, 11 PGs remapped");
}

TEST(CephStatus, StalePgsWithOsdDownAreDegraded) {
  const SyncSample s = Status("ceph_status_json_luminous_osd_down_pgs_stale.txt");
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_EQ(s.pending_entries, 0u);
}

TEST(CephStatus, PlainTextIsUnknown) {
  const SyncSample s = Status("ceph_status_plain_luminous_osd_host_down_pg_degraded.txt");
  EXPECT_EQ(s.state, SyncState::kUnknown);
  EXPECT_EQ(s.detail, "ceph status: no JSON in output");
}

TEST(CephStatus, LiveHealthyWithLingeringRecoveryRateIsInSync) {
  const SyncSample s = Status("live/healthy_status.json.txt");
  EXPECT_EQ(s.state, SyncState::kInSync);
  EXPECT_EQ(s.detail, "3/3 OSDs up, 3 in, 33/33 PGs active+clean");
}

TEST(CephStatus, LiveOsdKilledIsDegradedDespiteLogLineBeforeJson) {
  const SyncSample s = Status("live/B_kill9_30s_defaults_while-down_status.json.txt");
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_EQ(s.pending_entries, 291u);
  EXPECT_EQ(s.out_of_sync_bytes, 1202776503u);  // 291 × 2136891589 / 517
  EXPECT_TRUE(s.estimate);
  EXPECT_EQ(s.detail, "2/3 OSDs up, 3 in, 16/33 PGs active+clean, 291 objects degraded");
}

TEST(CephStatus, LiveAfterRestorePeeringIsHealing) {
  const SyncSample s = Status("live/B_kill9_30s_defaults_after-restore_status.json.txt");
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.pending_entries, 153u);
  EXPECT_EQ(s.out_of_sync_bytes, 632387646u);
}

TEST(CephStatus, LiveAfterRestoreRecoveringIsHealing) {
  const SyncSample s = Status("live/C_sigstop30_grace5_int1_out15_after-restore_status.json.txt");
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.pending_entries, 357u);
  EXPECT_EQ(s.out_of_sync_bytes, 1475571174u);
}

TEST(CephStatus, LiveRemappedPgsKeepItHealingWhilePgStatesLag) {
  // Every PG reads active+clean, but 24 PGs are still remapped after the rejoin.
  const SyncSample s =
      Status("live/E_backfill_sigstop40_grace5_out15_shortlog_after-restore_status.json.txt");
  EXPECT_EQ(s.state, SyncState::kHealing);
  EXPECT_EQ(s.pending_entries, 0u);
  EXPECT_EQ(s.detail, "3/3 OSDs up, 3 in, 33/33 PGs active+clean, 24 PGs remapped");
}

TEST(CephStatus, LiveFrozenOsdNotYetMarkedDownLooksInSync) {
  // A documented limit: ceph status still reads clean 8 s into a SIGSTOP.
  const SyncSample s = Status("live/A_sigstop30_defaults_during-stop_status.json.txt");
  EXPECT_EQ(s.state, SyncState::kInSync);
}

TEST(CephStatus, LiveOsdDownAndOutButReReplicatedIsStillDegraded) {
  const SyncSample s = Status("live/A2_after-rereplication-osd1-still-stopped_status.json.txt");
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_EQ(s.pending_entries, 0u);
  EXPECT_EQ(s.detail, "2/3 OSDs up, 2 in, 33/33 PGs active+clean");
}

TEST(CephStatus, LiveOsdOutWhileBackfillingIsDegraded) {
  const SyncSample s = Status("live/A2_out-backfilling_status.json.txt");
  EXPECT_EQ(s.state, SyncState::kDegraded);
  EXPECT_EQ(s.pending_entries, 247u);
  EXPECT_EQ(s.out_of_sync_bytes, 1020913389u);
}

TEST(CephStatus, TruncatedJsonIsUnknown) {
  const std::string full = Fixture("ceph/live/healthy_status.json.txt");
  const SyncSample s = ParseCephStatus(full.substr(0, full.find("\"pgmap\"")), {});
  EXPECT_EQ(s.state, SyncState::kUnknown);
  EXPECT_EQ(s.detail, "ceph status: truncated or malformed JSON (brackets do not close)");
}

TEST(CephStatus, OtherJsonIsUnknown) {
  EXPECT_EQ(ParseCephStatus("{\"ok_to_stop\": true}", {}).detail,
            "ceph status: no osdmap or pgmap (not `ceph status -f json` output?)");
}

TEST(CephOkToStop, JsonOk) {
  const CephOkToStop r = ParseCephOkToStop(Fixture("ceph/ceph_osd_ok_to_stop_json_ok_max.txt"));
  EXPECT_EQ(r.ok_to_stop, true);
  EXPECT_EQ(r.osds, (std::vector<int>{0, 1, 5}));
}

TEST(CephOkToStop, StderrEbusyIsNotOk) {
  const CephOkToStop r =
      ParseCephOkToStop(Fixture("ceph/ceph_osd_ok_to_stop_not_ok_stderr_nautilus.txt"));
  EXPECT_EQ(r.ok_to_stop, false);
  EXPECT_EQ(r.detail,
            "Error EBUSY: 4 PGs are already too degraded, would become too degraded or might "
            "become unavailable");
}

TEST(CephOkToStop, LiveHealthyIsOk) {
  const CephOkToStop r = ParseCephOkToStop(Fixture("ceph/live/healthy_ok-to-stop-0.json.txt"));
  EXPECT_EQ(r.ok_to_stop, true);
  EXPECT_EQ(r.osds, (std::vector<int>{0}));
  EXPECT_EQ(r.detail, "ok to stop");
}

TEST(CephOkToStop, LiveNotOkAfterLogLine) {
  const CephOkToStop r =
      ParseCephOkToStop(Fixture("ceph/live/B_kill9_30s_defaults_while-down_ok-to-stop-0.json.txt"));
  EXPECT_EQ(r.ok_to_stop, false);
  EXPECT_EQ(r.detail, "not ok to stop: 8 PGs would be or are unavailable");
}

TEST(CephOkToStop, LiveNotOkWithStderrAfterJson) {
  const CephOkToStop r = ParseCephOkToStop(Fixture(
      "ceph/live/E_backfill_sigstop40_grace5_out15_shortlog_during-stop_ok-to-stop-0.json.txt"));
  EXPECT_EQ(r.ok_to_stop, false);
  EXPECT_EQ(r.detail, "not ok to stop: 17 PGs would be or are unavailable");
}

TEST(CephOkToStop, FirstAnswerWinsInMixedCapture) {
  const CephOkToStop r =
      ParseCephOkToStop(Fixture("ceph/live/degraded-idle_ok-to-stop-0_with-exit-code.txt"));
  EXPECT_EQ(r.ok_to_stop, false);
  EXPECT_EQ(r.osds, (std::vector<int>{0}));
}

TEST(CephOkToStop, TextOkAndGarbage) {
  EXPECT_EQ(ParseCephOkToStop("OSD(s) 1 are ok to stop without reducing availability or risking "
                              "data, provided there are no other concurrent failures or "
                              "interventions.\n")
                .ok_to_stop,
            true);
  const CephOkToStop r = ParseCephOkToStop("Error ENOENT: osd.99 does not exist\n");
  EXPECT_FALSE(r.ok_to_stop.has_value());
  EXPECT_EQ(r.detail, "ok-to-stop: no answer in output (no JSON in output)");
  EXPECT_FALSE(ParseCephOkToStop("").ok_to_stop.has_value());
  EXPECT_FALSE(ParseCephOkToStop("{\"ok_to_stop\": \"yes\"}").ok_to_stop.has_value());
}

}  // namespace
}  // namespace healbench
