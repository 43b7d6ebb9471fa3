// Tests of results.json: the whole document against a golden file, plus the parts of the
// contract a golden file would not make obvious (nulls, the SLO verdict, bad UTF-8).
#include "reports/results_json.h"

#include <gtest/gtest.h>

#include "tests/unit/reports/golden_match.h"
#include "tests/unit/reports/sample_run.h"

namespace healbench::report {
namespace {

// Context members that differ per machine or per run.
const std::vector<std::string> kVaryingKeys = {"host", "started_at"};

TEST(ResultsJson, MatchesGolden) {
  EXPECT_TRUE(
      golden::MatchesGoldenFile("results_json", ResultsJsonText(SampleRun()), kVaryingKeys));
}

TEST(ResultsJson, EmptyRunMatchesGolden) {
  EXPECT_TRUE(golden::MatchesGoldenFile("results_json_empty", ResultsJsonText(RunResult{})));
}

TEST(ResultsJson, CarriesSchemaAndContractKeys) {
  nlohmann::json j = ToJson(SampleRun());
  EXPECT_EQ(j["schema"], "healbench/1");
  for (const char* key : {"context", "duration_s", "interrupted", "totals", "phases", "stalls",
                          "stalls_by_op", "stalls_by_image", "events", "sync", "derived",
                          "integrity", "slo", "resources", "images", "timeseries"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["phases"][0]["write"]["histogram"]["layout"], "log-linear-128/2^42ns");
  EXPECT_EQ(j["phases"][0]["read"]["histogram"]["bins"][0], nlohmann::json::array({700, 6000}));
  EXPECT_EQ(j["context"]["scenario"]["run"]["name"], "ref-client-disconnect");
}

TEST(ResultsJson, NulloptBecomesNull) {
  RunResult r;  // every optional empty
  r.stalls.push_back(StallEntry{});
  r.events.push_back(Event{});
  r.sync_samples.push_back(SyncSample{});
  r.slo_checks.push_back({"max_p99_during_heal", "s", 0.1, std::nullopt, std::nullopt});
  r.timeseries.push_back(IntervalRow{});
  nlohmann::json j = ToJson(r);
  for (const char* key : {"max_stall_s", "failover_latency_s", "heal_stall_max_s",
                          "time_to_in_sync_s", "degraded_iops_ratio", "longest_completion_gap_s"}) {
    EXPECT_TRUE(j["derived"].contains(key)) << key;
    EXPECT_TRUE(j["derived"][key].is_null()) << key;
  }
  for (const char* key : {"checked_blocks", "lost_writes", "stale_reads", "torn_blocks",
                          "misdirected", "diverged_blocks"}) {
    EXPECT_TRUE(j["integrity"][key].is_null()) << key;
  }
  EXPECT_TRUE(j["stalls"][0]["cause"].is_null());
  EXPECT_TRUE(j["events"][0]["end_s"].is_null());
  EXPECT_TRUE(j["sync"]["probe"].is_null());
  EXPECT_TRUE(j["sync"]["samples"][0]["pending_entries"].is_null());
  EXPECT_TRUE(j["sync"]["samples"][0]["out_of_sync_bytes"].is_null());
  EXPECT_TRUE(j["slo"]["checks"][0]["value"].is_null());
  EXPECT_TRUE(j["slo"]["checks"][0]["pass"].is_null());
  EXPECT_TRUE(j["timeseries"][0]["sync_state"].is_null());
  EXPECT_EQ(j["slo"]["pass"], true);  // a check that does not apply cannot fail the run
}

TEST(ResultsJson, PresentOptionalsKeepTheirValues) {
  nlohmann::json j = ToJson(SampleRun());
  EXPECT_EQ(j["derived"]["time_to_in_sync_s"], 12.3);
  EXPECT_EQ(j["integrity"]["lost_writes"], 0);
  EXPECT_EQ(j["stalls"][0]["cause"], 1);
  EXPECT_EQ(j["slo"]["pass"], false);
  EXPECT_EQ(j["slo"]["checks"][0]["pass"], false);
}

TEST(ResultsJson, InvalidUtf8InEventDetailIsReplacedNotThrown) {
  RunResult r;
  r.events.push_back({1, 0.5, 0.6, "fault", "command", "node1", false, "bad \xff byte"});
  std::string text;
  ASSERT_NO_THROW(text = ResultsJsonText(r));
  EXPECT_NE(text.find("bad \xef\xbf\xbd byte"), std::string::npos);
}

TEST(SloPass, TrueWithoutChecks) { EXPECT_TRUE(SloPass(RunResult{})); }

TEST(SloPass, FalseWhenAnyCheckFails) {
  RunResult r;
  r.slo_checks = {{"a", "s", 1, 0.5, true}, {"b", "s", 1, 2, false}};
  EXPECT_FALSE(SloPass(r));
}

TEST(SloPass, NotApplicableChecksDoNotFail) {
  RunResult r;
  r.slo_checks = {{"a", "s", 1, 0.5, true}, {"b", "s", 1, std::nullopt, std::nullopt}};
  EXPECT_TRUE(SloPass(r));
}

}  // namespace
}  // namespace healbench::report
