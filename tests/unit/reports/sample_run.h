// A small, fixed RunResult for the report writers' golden tests: a client-replicated run
// through disconnect / reconnect with two stalls on writes and flushes (one still open at the end),
// a probe, three SLO checks (pass, fail, not applicable). Host and start time are real, so they
// vary and the golden files match them with "...".
#pragma once

#include <unistd.h>

#include <ctime>
#include <string>

#include "reports/result_model.h"

namespace healbench::report {

inline std::string ThisHost() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof(buf) - 1) != 0) return "unknown";
  return buf;
}

inline std::string NowIso8601() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

inline LatencySummary Latency(std::int64_t p50, std::int64_t p99, std::int64_t max) {
  return {p50, p50 + (p99 - p50) / 2,          p99, p99 + (max - p99) / 2,
          max, static_cast<double>(p50) * 1.25};
}

inline PhaseOpStats OpStats(std::uint64_t ios, double seconds, std::uint64_t bs, LatencySummary lat,
                            std::uint64_t errors = 0) {
  PhaseOpStats s;
  s.ios = ios;
  s.bytes = ios * bs;
  s.errors = errors;
  s.iops = static_cast<double>(ios) / seconds;
  s.mib_s = static_cast<double>(s.bytes) / seconds / (1024.0 * 1024.0);
  s.latency_ns = lat;
  s.service_latency_ns = lat;
  s.histogram = {{700, ios / 2}, {764, ios - ios / 2}};
  return s;
}

inline RunResult SampleRun() {
  RunResult r;
  r.context.version = "0.1.0";
  r.context.git_sha = "0123456789ab";
  r.context.host = ThisHost();
  r.context.kernel = "6.1.0-test";
  r.context.build_type = "Debug";
  r.context.started_at = NowIso8601();
  r.context.seed = 42;
  r.context.scenario = {
      {"run", {{"name", "ref-client-disconnect"}, {"duration", "60s"}, {"seed", 42}}},
      {"backend", {{"kind", "ref"}, {"replication", "client"}, {"replicas", 2}}}};
  r.context.backend = "ref";
  r.context.threads = 2;
  r.duration_s = 60.0;
  r.interrupted = false;
  r.images = {"vm0", "vm1"};

  r.totals[0] = {36000, 36000ull * 4096, 0};
  r.totals[1] = {24000, 24000ull * 4096, 3};
  r.totals[2] = {2400, 0, 0};

  Phase baseline{"baseline", 0.0, 20.0, {}};
  baseline.ops[0] = OpStats(12000, 20.0, 4096, Latency(850'000, 2'100'000, 12'300'000));
  baseline.ops[1] = OpStats(8000, 20.0, 4096, Latency(1'200'000, 3'400'000, 9'000'000));
  baseline.ops[2] = OpStats(800, 20.0, 0, Latency(2'000'000, 6'000'000, 15'000'000));
  Phase degraded{"degraded", 20.0, 35.0, {}};
  degraded.ops[0] = OpStats(9000, 15.0, 4096, Latency(900'000, 2'500'000, 1'500'000'000));
  degraded.ops[1] = OpStats(5000, 15.0, 4096, Latency(1'300'000, 40'000'000, 1'520'000'000), 3);
  degraded.ops[2] = OpStats(500, 15.0, 0, Latency(2'500'000, 900'000'000, 1'510'000'000));
  Phase healing{"healing", 35.0, 47.3, {}};
  healing.ops[0] = OpStats(6000, 12.3, 4096, Latency(950'000, 4'000'000, 80'000'000));
  healing.ops[1] = OpStats(4000, 12.3, 4096, Latency(1'800'000, 60'000'000, 750'000'000));
  Phase recovered{"recovered", 47.3, 60.0, {}};
  recovered.ops[0] = OpStats(9000, 12.7, 4096, Latency(860'000, 2'200'000, 11'000'000));
  recovered.ops[1] = OpStats(7000, 12.7, 4096, Latency(1'210'000, 3'500'000, 9'500'000));
  recovered.ops[2] = OpStats(1100, 12.7, 0, Latency(2'050'000, 6'100'000, 14'000'000));
  r.phases = {baseline, degraded, healing, recovered};

  StallEntry s1;
  s1.start_s = 20.05;
  s1.end_s = 21.57;
  s1.duration_s = 1.52;
  s1.inflight_max = 16;
  s1.slow_ios = 37;
  s1.ops = {"write", "flush"};
  s1.phase = "degraded";
  s1.images = {"vm0", "vm1"};
  s1.cause = 1;
  StallEntry s2;
  s2.start_s = 55.8;
  s2.end_s = 60.0;
  s2.duration_s = 4.2;
  s2.open = true;
  s2.inflight_max = 1;
  s2.slow_ios = 1;
  s2.ops = {"flush"};
  s2.phase = "recovered";
  s2.images = {"vm1"};
  r.stalls = {s1, s2};
  StallEntry s1_flush = s1;
  s1_flush.ops = {"flush"};
  s1_flush.slow_ios = 4;
  StallEntry s1_write = s1;
  s1_write.ops = {"write"};
  s1_write.slow_ios = 33;
  r.stalls_by_op = {{"flush", {s1_flush, s2}}, {"read", {}}, {"write", {s1_write}}};
  StallEntry s1_vm0 = s1;
  s1_vm0.images = {"vm0"};
  r.stalls_by_image = {{"vm0", {s1_vm0}}, {"vm1", {s1, s2}}};

  r.events = {
      {1, 20.0, 20.004, "fault", "disconnect", "node2", true, "connections reset"},
      {2, 35.0, 35.01, "fault", "reconnect", "node2", true, ""},
      {3, 35.0, std::nullopt, "wait", "wait_until", "", false, "timed out after 30s: healing"},
  };

  r.sync_probe = "ref";
  r.sync_samples = {
      {19.0, "in_sync", 0, 0, false, {{"node1", true}, {"node2", true}}},
      {30.0, "degraded", 1800, std::nullopt, true, {{"node1", false}, {"node2", false}}},
      {40.0, "healing", 2, 4096ull * 900, false, {{"node1", false}, {"node2", false}}},
      {47.3, "in_sync", 0, 0, false, {{"node1", true}, {"node2", true}}},
  };

  r.derived.max_stall_s = 4.2;
  r.derived.failover_latency_s = 1.57;
  r.derived.heal_stall_max_s = std::nullopt;
  r.derived.time_to_in_sync_s = 12.3;
  r.derived.degraded_iops_ratio = 0.6875;
  r.derived.longest_completion_gap_s = 1.21;

  r.integrity.checked_blocks = 5000;
  r.integrity.lost_writes = 0;
  r.integrity.stale_reads = 0;
  r.integrity.torn_blocks = 0;
  r.integrity.misdirected = 0;
  r.integrity.diverged_blocks = 0;

  r.slo_checks = {
      {"max_stall", "s", 2.0, 4.2, false},
      {"max_time_to_in_sync", "s", 30.0, 12.3, true},
      {"max_p99_during_heal", "s", 0.1, std::nullopt, std::nullopt},
      {"max_lost_writes", "", 0, 0, true},
  };

  r.timeseries = {
      {1.0, "baseline", 600, 400, 40, 2.34, 1.56, 850'000, 2'100'000, 4'000'000, 12'300'000, 16,
       0.012, 0, "in_sync"},
      {21.0, "degraded", 120.5, 80.25, 8, 0.47, 0.31, 900'000, 1'400'000'000, 1'500'000'000,
       1'520'000'000, 16, 1.3456, 3, "degraded"},
      {40.0, "healing", 500, 310, 0, 1.95, 1.21, 950'000, 60'000'000, 700'000'000, 750'000'000, 12,
       0.75, 0, "healing"},
      {60.0, "recovered", 700, 550, 86, 2.73, 2.15, 860'000, 2'200'000, 5'000'000, 11'000'000, 1,
       4.2, 0, ""},
  };

  r.resources = {12.5, 3.25, 51200};
  return r;
}

}  // namespace healbench::report
