// Tests of `healbench compare` output: the text table and the HTML page against golden
// files, best-value marking, n/a for null, JSON shape, and alignment at the first fault.
#include "reports/compare.h"

#include <gtest/gtest.h>

#include "reports/report_data.h"
#include "tests/unit/reports/golden_match.h"
#include "tests/unit/reports/sample_run.h"

namespace healbench::report {
namespace {

// A second candidate: shorter stalls, slower to sync, a lost write, no healing phase.
RunResult OtherRun() {
  RunResult r = SampleRun();
  r.context.scenario["run"]["name"] = "ref-server-disconnect";
  r.derived.max_stall_s = 0.8;
  r.derived.failover_latency_s = 0.9;
  r.derived.time_to_in_sync_s = 20.5;
  r.derived.degraded_iops_ratio = 0.9;
  r.integrity.lost_writes = 1;
  r.phases.erase(r.phases.begin() + 2);  // no healing phase
  r.phases[1].ops[1].latency_ns.p99 = 20'000'000;
  r.slo_checks = {{"max_stall", "s", 2.0, 0.8, true}};
  r.events[0].t_s = 25.0;  // first fault later than in SampleRun
  return r;
}

std::vector<RunResult> Runs() { return {SampleRun(), OtherRun()}; }
const std::vector<std::string> kLabels = {"client-repl", "server-repl"};

TEST(Compare, TableMatchesGolden) {
  EXPECT_TRUE(golden::MatchesGoldenFile("compare_table", CompareTable(Runs(), kLabels)));
}

TEST(Compare, HtmlMatchesGolden) {
  EXPECT_TRUE(golden::MatchesGoldenFile("compare_html", CompareHtml(Runs(), kLabels)));
}

TEST(Compare, MarksTheBestValueOnlyWhenValuesDiffer) {
  const std::vector<CompareRow> rows = CompareRows(Runs());
  auto row = [&](const std::string& metric) {
    for (const auto& r : rows) {
      if (r.metric == metric) return r;
    }
    ADD_FAILURE() << "no row " << metric;
    return CompareRow{};
  };
  EXPECT_EQ(row("max_stall_s").best, std::vector<std::size_t>{1});          // lower wins
  EXPECT_EQ(row("degraded_iops_ratio").best, std::vector<std::size_t>{1});  // higher wins
  EXPECT_EQ(row("time_to_in_sync_s").best, std::vector<std::size_t>{0});
  EXPECT_EQ(row("slo_pass").best, std::vector<std::size_t>{1});
  EXPECT_TRUE(row("p99_ns.read.baseline").best.empty());  // equal: nothing to mark
  EXPECT_TRUE(row("heal_stall_max_s").best.empty());      // both null
  // Only one run has a healing phase: n/a for the other, and nothing to compare against.
  EXPECT_FALSE(row("p99_ns.write.healing").values[1].has_value());
  EXPECT_TRUE(row("p99_ns.write.healing").best.empty());
}

TEST(Compare, JsonHasRunsAndRows) {
  const nlohmann::json j = CompareJson(Runs(), kLabels);
  EXPECT_EQ(j["runs"][1]["label"], "server-repl");
  EXPECT_EQ(j["runs"][1]["scenario"], "ref-server-disconnect");
  EXPECT_EQ(j["runs"][0]["slo_pass"], false);
  const nlohmann::json& first = j["rows"][0];
  EXPECT_EQ(first["metric"], "max_stall_s");
  EXPECT_EQ(first["values"], nlohmann::json::parse("[4.2, 0.8]"));
  EXPECT_EQ(first["best"], nlohmann::json::parse("[1]"));
  EXPECT_EQ(first["better"], "lower");
  const nlohmann::json& last = j["rows"].back();
  EXPECT_EQ(last["metric"], "slo_pass");
  EXPECT_EQ(last["values"], nlohmann::json::parse("[false, true]"));
  EXPECT_EQ(j["rows"][2]["values"], nlohmann::json::parse("[null, null]"));
}

TEST(Compare, RunsAlignAtTheirFirstFault) {
  EXPECT_EQ(CompareRunData(SampleRun(), "a")["align_s"], 20);
  EXPECT_EQ(CompareRunData(SampleRun(), "a")["align_event"], "disconnect node2");
  EXPECT_EQ(CompareRunData(OtherRun(), "b")["align_s"], 25);
  RunResult no_fault = SampleRun();
  no_fault.events.clear();
  EXPECT_EQ(CompareRunData(no_fault, "c")["align_s"], 0);
  EXPECT_EQ(CompareRunData(no_fault, "c")["align_event"], "");
}

}  // namespace
}  // namespace healbench::report
