// The live registry: every family is there from the first scrape with zero / unknown
// values, events drive fault_active, phases and sync samples are one-hot, stalls follow
// the oldest in-flight age; the final figures; an unreachable Pushgateway is named.
#include "harness/metrics/run_metrics.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "harness/metrics/final_figures.h"

namespace healbench {
namespace {

Scenario FreezeScenario() {
  Scenario s;
  s.source = "/tmp/x/freeze.toml";
  s.run.name = "t1";
  s.run.stall_threshold_ns = 500 * kNsPerMs;
  FaultStep f;
  f.action = "freeze";
  f.node = "n1";
  s.faults.push_back(f);
  return s;
}

std::string Scrape(RunMetrics& m) { return FinalFiguresText(m.registry()); }

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(RunMetrics, EveryFamilyHasASampleFromTheStart) {
  report::Context c;
  c.backend = "null";
  c.seed = 7;
  c.version = "0.1.0";
  auto m = RunMetrics::Create("", FreezeScenario(), c);
  ASSERT_TRUE(m.ok());
  const std::string text = Scrape(**m);
  for (
      const char* line : {
          R"(healbench_ios_total{run="t1",op="read"} 0)",
          R"(healbench_bytes_total{run="t1",op="flush"} 0)",
          R"(healbench_io_errors_total{run="t1",op="write"} 0)",
          R"(healbench_latency_seconds_count{run="t1",op="write"} 0)",
          R"(healbench_latency_seconds_bucket{run="t1",op="read",le="5e-05"} 0)",
          R"(healbench_latency_seconds_bucket{run="t1",op="read",le="600"} 0)",
          R"(healbench_inflight{run="t1"} 0)",
          R"(healbench_oldest_inflight_age_seconds{run="t1"} 0)",
          R"(healbench_stalls_total{run="t1"} 0)",
          R"(healbench_stall_active{run="t1"} 0)",
          R"(healbench_current_stall_seconds{run="t1"} 0)",
          R"(healbench_sync_state{run="t1",state="unknown"} 1)",
          R"(healbench_sync_state{run="t1",state="in_sync"} 0)",
          R"(healbench_sync_pending_entries{run="t1"} 0)",
          R"(healbench_sync_out_of_sync_bytes{run="t1"} 0)",
          R"(healbench_fault_active{run="t1",action="freeze",node="n1"} 0)",
          R"(healbench_phase{run="t1",phase="baseline"} 1)",
          R"(healbench_phase{run="t1",phase="healing"} 0)",
          R"(healbench_run_info{run="t1",backend="null",scenario="freeze",seed="7",version="0.1.0"} 1)",
      }) {
    EXPECT_TRUE(Has(text, line)) << line << "\n" << text;
  }
}

TEST(RunMetrics, FaultEventsSetAndClearFaultActive) {
  auto m = RunMetrics::Create("", FreezeScenario(), {});
  ASSERT_TRUE(m.ok());
  report::Event e;
  e.kind = "fault";
  e.action = "freeze";
  e.node = "n1";
  (*m)->OnEvent(e);
  EXPECT_TRUE(Has(Scrape(**m), R"(healbench_fault_active{run="t1",action="freeze",node="n1"} 1)"));
  e.kind = "undo";
  e.action = "thaw";
  (*m)->OnEvent(e);
  EXPECT_TRUE(Has(Scrape(**m), R"(healbench_fault_active{run="t1",action="freeze",node="n1"} 0)"));
}

TEST(RunMetrics, StallCountsOncePerStretchAboveTheThreshold) {
  auto m = RunMetrics::Create("", FreezeScenario(), {});
  ASSERT_TRUE(m.ok());
  RunMetrics& r = **m;
  r.OnLive(4, 100 * kNsPerMs);
  r.OnLive(4, 700 * kNsPerMs);
  r.OnLive(4, 1500 * kNsPerMs);
  std::string text = Scrape(r);
  EXPECT_TRUE(Has(text, R"(healbench_stalls_total{run="t1"} 1)")) << text;
  EXPECT_TRUE(Has(text, R"(healbench_stall_active{run="t1"} 1)"));
  EXPECT_TRUE(Has(text, R"(healbench_current_stall_seconds{run="t1"} 1.5)"));
  r.OnLive(1, 0);
  text = Scrape(r);
  EXPECT_TRUE(Has(text, R"(healbench_stall_active{run="t1"} 0)"));
  EXPECT_TRUE(Has(text, R"(healbench_current_stall_seconds{run="t1"} 0)"));
  report::RunResult result;
  result.stalls.resize(3);  // two were too short for the sampler to see
  r.OnFinish(result);
  EXPECT_TRUE(Has(Scrape(r), R"(healbench_stalls_total{run="t1"} 3)"));
}

TEST(RunMetrics, PhaseAndSyncStateAreOneHot) {
  auto m = RunMetrics::Create("", FreezeScenario(), {});
  ASSERT_TRUE(m.ok());
  (*m)->OnPhase("degraded");
  report::SyncSample s;
  s.state = "healing";
  s.pending_entries = 12;
  s.out_of_sync_bytes = 4096;
  (*m)->OnSyncSample(s);
  const std::string text = Scrape(**m);
  EXPECT_TRUE(Has(text, R"(healbench_phase{run="t1",phase="baseline"} 0)"));
  EXPECT_TRUE(Has(text, R"(healbench_phase{run="t1",phase="degraded"} 1)"));
  EXPECT_TRUE(Has(text, R"(healbench_sync_state{run="t1",state="unknown"} 0)"));
  EXPECT_TRUE(Has(text, R"(healbench_sync_state{run="t1",state="healing"} 1)"));
  EXPECT_TRUE(Has(text, R"(healbench_sync_pending_entries{run="t1"} 12)"));
  EXPECT_TRUE(Has(text, R"(healbench_sync_out_of_sync_bytes{run="t1"} 4096)"));
}

TEST(RunMetrics, IntervalsFeedCountersAndHistogram) {
  auto m = RunMetrics::Create("", FreezeScenario(), {});
  ASSERT_TRUE(m.ok());
  LatencyHistogram h;
  h.RecordN(2 * kNsPerSec, 5);
  (*m)->OnOpInterval(1, 5, 5 * 4096, 1, h);
  const std::string text = Scrape(**m);
  EXPECT_TRUE(Has(text, R"(healbench_ios_total{run="t1",op="write"} 5)"));
  EXPECT_TRUE(Has(text, R"(healbench_bytes_total{run="t1",op="write"} 20480)"));
  EXPECT_TRUE(Has(text, R"(healbench_io_errors_total{run="t1",op="write"} 1)"));
  EXPECT_TRUE(Has(text, R"(healbench_latency_seconds_bucket{run="t1",op="write",le="1"} 0)"));
  EXPECT_TRUE(Has(text, R"(healbench_latency_seconds_bucket{run="t1",op="write",le="2.5"} 5)"));
  EXPECT_TRUE(Has(text, R"(healbench_latency_seconds_sum{run="t1",op="write"} 10)"));
}

TEST(FinalFigures, TotalsDerivedAndSloChecks) {
  report::RunResult r;
  r.totals[0] = {10, 40960, 0};
  r.derived.max_stall_s = 2.5;
  r.stalls.resize(1);
  r.slo_checks.push_back({"max_stall", "s", 1.0, 2.5, false});
  const std::string text = FinalFiguresText(*FinalFiguresRegistry(r, FreezeScenario()));
  EXPECT_TRUE(Has(text, R"(healbench_result_ios_total{run="t1",op="read"} 10)"));
  EXPECT_TRUE(Has(text, R"(healbench_result_stalls_total{run="t1"} 1)"));
  EXPECT_TRUE(Has(text, R"(healbench_derived_max_stall_seconds{run="t1"} 2.5)"));
  EXPECT_EQ(text.find("failover_latency"), std::string::npos);  // null: not applicable
  EXPECT_TRUE(Has(text, R"(healbench_slo_pass{run="t1",check="max_stall"} 0)"));
  EXPECT_TRUE(Has(text, R"(healbench_slo_value{run="t1",check="max_stall"} 2.5)"));
  EXPECT_TRUE(Has(text, R"(healbench_slo_limit{run="t1",check="max_stall"} 1)"));
  EXPECT_TRUE(Has(text, R"(healbench_slo_all_pass{run="t1"} 0)"));
}

TEST(FinalFigures, UnreachablePushgatewayIsNamed) {
  auto registry = FinalFiguresRegistry(report::RunResult{}, FreezeScenario());
  // Port 1 on loopback: nothing listens there, the connection is refused at once.
  auto pushed = PushFinalFigures("http://127.0.0.1:1", "t1", registry, 10 * kNsPerSec);
  ASSERT_FALSE(pushed.ok());
  EXPECT_EQ(pushed.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(pushed.error().message.find("Pushgateway http://127.0.0.1:1"), std::string::npos)
      << pushed.error().message;
}

}  // namespace
}  // namespace healbench
