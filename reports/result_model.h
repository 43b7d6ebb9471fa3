// The result model: everything a run produced, as plain data. results.json is this model
// serialised (schema "healbench/1"); CSV, the terminal summary and HTML derive from it.
// Times are seconds from the start of the run; latencies nanoseconds. std::nullopt
// serialises as JSON null ("not applicable" or "not measured").
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace healbench::report {

inline constexpr const char* kSchema = "healbench/1";

struct Context {
  std::string version, git_sha, host, kernel, build_type, started_at;
  std::uint64_t seed = 0;
  nlohmann::json scenario;  // as resolved, every key
  std::string backend;      // backend kind
  int threads = 0;
};

struct OpTotals {
  std::uint64_t ios = 0, bytes = 0, errors = 0;
};

struct LatencySummary {  // nanoseconds
  std::int64_t p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
  double mean = 0;
};

struct PhaseOpStats {
  std::uint64_t ios = 0, bytes = 0, errors = 0;
  double iops = 0, mib_s = 0;
  LatencySummary latency_ns;          // from the intended issue time (open loop) or submit
  LatencySummary service_latency_ns;  // from the actual submit
  // Raw histogram bins (index, count) in LatencyHistogram's layout, for merging.
  std::vector<std::pair<int, std::uint64_t>> histogram;
};

struct Phase {
  std::string name;  // baseline | degraded | healing | recovered
  double start_s = 0, end_s = 0;
  PhaseOpStats ops[3];  // read, write, flush
};

struct StallEntry {
  double start_s = 0, end_s = 0, duration_s = 0;
  bool open = false;  // some I/O in it never completed before the run ended
  std::uint32_t inflight_max = 0;
  std::uint32_t slow_ios = 0;    // I/Os slower than the threshold merged into it
  std::vector<std::string> ops;  // "read" | "write" | "flush"
  std::string phase;
  std::vector<std::string> images;
  std::optional<int> cause;  // nearest preceding event id
};

struct Event {
  int id = 0;
  double t_s = 0;
  std::optional<double> end_s;
  std::string kind, action, node;
  bool ok = true;
  std::string detail;
};

struct SyncSample {
  double t_s = 0;
  std::string state;  // in_sync | degraded | healing | unknown
  std::optional<std::uint64_t> pending_entries, out_of_sync_bytes;
  bool estimate = false;
  std::map<std::string, bool> safe_to_stop;
};

struct Derived {
  std::optional<double> max_stall_s, failover_latency_s, heal_stall_max_s, time_to_in_sync_s,
      degraded_iops_ratio, longest_completion_gap_s;
  // What the storage itself predicts for a stall at a silent fault (e.g. GlusterFS's
  // network.ping-timeout), read from it before the faults; null when it has no such figure.
  std::optional<double> expected_stall_s;
  std::optional<std::string> expected_stall_basis;
};

// One replica read on its own at the end of a verified run.
struct ReplicaIntegrity {
  std::string node;
  std::uint64_t checked_blocks = 0;
  std::uint64_t bad_blocks = 0;  // not the acknowledged version (lost, stale, torn, misdirected)
};

struct Integrity {  // all null when verification was off
  std::optional<std::uint64_t> checked_blocks, lost_writes, stale_reads, torn_blocks, misdirected,
      diverged_blocks;
  std::optional<std::uint64_t> block_bytes;        // the verification unit (4096)
  std::optional<std::uint64_t> blocks_read_back;   // touched blocks read back at the end
  std::optional<std::uint64_t> unverified_blocks;  // touched blocks the read-back could not read
  std::vector<ReplicaIntegrity> replicas;          // empty: replicas not compared
  std::string note;                                // why something was not verified
};

struct SloCheck {
  std::string name;
  std::string unit;  // "s" for durations, "" for counts
  double limit = 0;
  std::optional<double> value;
  std::optional<bool> pass;  // null: not applicable in this run (nothing to measure)
};

// One row of the time series (one interval).
struct IntervalRow {
  double t_s = 0;  // end of the interval
  std::string phase;
  double read_iops = 0, write_iops = 0, flush_iops = 0;
  double read_mib_s = 0, write_mib_s = 0;
  std::int64_t p50_ns = 0, p99_ns = 0, p999_ns = 0, max_ns = 0;  // all ops in the interval
  std::uint32_t inflight = 0;
  double oldest_inflight_age_s = 0;
  std::uint64_t errors = 0;
  std::string sync_state;  // empty when no probe
};

struct Resources {
  double cpu_user_s = 0, cpu_sys_s = 0;
  std::uint64_t max_rss_kib = 0;
};

struct RunResult;

// A fleet run (mpirun): each rank is a client host. The run's top-level figures are the whole
// fleet's (histograms merged exactly, stalls over every rank's I/O pooled); this says what each
// rank saw and where the fleet stalled together.
struct FleetRank {
  int rank = 0;
  std::string host;
  std::string status;  // "finished", "failed" (ended with a non-zero exit) or "missing"
  int exit_code = 0;
  std::string error;                        // why it failed or is missing
  std::string results_path;                 // the rank's own results.json, on its host
  std::shared_ptr<const RunResult> result;  // null when missing
};

struct FleetStall {
  double start_s = 0, end_s = 0, duration_s = 0;
  std::vector<int> ranks;  // every rank in a stall at some point of it
};

struct Fleet {
  int ranks = 0;
  int stall_min_ranks = 1;  // ranks that must stall at once for a fleet stall
  std::vector<FleetRank> per_rank;
  std::vector<FleetStall> stalls;
};

struct RunResult {
  Context context;
  double duration_s = 0;
  bool interrupted = false;  // ended early by Ctrl-C
  OpTotals totals[3];        // read, write, flush
  std::vector<Phase> phases;
  std::vector<StallEntry> stalls;
  std::map<std::string, std::vector<StallEntry>> stalls_by_op;     // "read"|"write"|"flush"
  std::map<std::string, std::vector<StallEntry>> stalls_by_image;  // image name
  std::vector<Event> events;
  std::string sync_probe;  // empty: no probe
  std::vector<SyncSample> sync_samples;
  Derived derived;
  Integrity integrity;
  std::vector<SloCheck> slo_checks;
  std::vector<IntervalRow> timeseries;
  Resources resources;
  std::vector<std::string> images;  // names, in run order
  std::optional<Fleet> fleet;       // fleet runs only
};

bool SloPass(const RunResult& r);  // every applicable check passed

}  // namespace healbench::report
