// Serialises the result model to the results.json contract (schema "healbench/1").
#include "reports/results_json.h"

#include <optional>

namespace healbench::report {
namespace {

using nlohmann::json;

template <typename T>
json OrNull(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json LatencyJson(const LatencySummary& l) {
  return {{"p50", l.p50},   {"p90", l.p90}, {"p99", l.p99},
          {"p999", l.p999}, {"max", l.max}, {"mean", l.mean}};
}

json PhaseOpJson(const PhaseOpStats& s) {
  json bins = json::array();
  for (const auto& [index, count] : s.histogram) bins.push_back({index, count});
  return {{"ios", s.ios},
          {"iops", s.iops},
          {"mib_s", s.mib_s},
          {"errors", s.errors},
          {"bytes", s.bytes},
          {"latency_ns", LatencyJson(s.latency_ns)},
          {"service_latency_ns", LatencyJson(s.service_latency_ns)},
          {"histogram", {{"layout", kHistogramLayout}, {"bins", std::move(bins)}}}};
}

json StallJson(const StallEntry& s) {
  return {{"start_s", s.start_s},
          {"end_s", s.end_s},
          {"duration_s", s.duration_s},
          {"open", s.open},
          {"inflight_max", s.inflight_max},
          {"slow_ios", s.slow_ios},
          {"ops", s.ops},
          {"phase", s.phase},
          {"images", s.images},
          {"cause", OrNull(s.cause)}};
}

json StallListJson(const std::vector<StallEntry>& stalls) {
  json out = json::array();
  for (const auto& s : stalls) out.push_back(StallJson(s));
  return out;
}

json StallMapJson(const std::map<std::string, std::vector<StallEntry>>& m) {
  json out = json::object();
  for (const auto& [key, stalls] : m) out[key] = StallListJson(stalls);
  return out;
}

json SyncSampleJson(const SyncSample& s) {
  json safe = json::object();
  for (const auto& [node, ok] : s.safe_to_stop) safe[node] = ok;
  return {{"t_s", s.t_s},
          {"state", s.state},
          {"pending_entries", OrNull(s.pending_entries)},
          {"out_of_sync_bytes", OrNull(s.out_of_sync_bytes)},
          {"estimate", s.estimate},
          {"safe_to_stop", std::move(safe)}};
}

json IntervalJson(const IntervalRow& row) {
  return {{"t_s", row.t_s},
          {"phase", row.phase},
          {"read_iops", row.read_iops},
          {"write_iops", row.write_iops},
          {"flush_iops", row.flush_iops},
          {"read_mib_s", row.read_mib_s},
          {"write_mib_s", row.write_mib_s},
          {"p50_ns", row.p50_ns},
          {"p99_ns", row.p99_ns},
          {"p999_ns", row.p999_ns},
          {"max_ns", row.max_ns},
          {"inflight", row.inflight},
          {"oldest_inflight_age_s", row.oldest_inflight_age_s},
          {"errors", row.errors},
          // No probe: not measured, as everywhere else in the file.
          {"sync_state", row.sync_state.empty() ? json(nullptr) : json(row.sync_state)}};
}

// Per rank: what it measured on its own (its results.json holds the rest, time series too).
json FleetRankJson(const FleetRank& fr) {
  json j = {{"rank", fr.rank},           {"host", fr.host},   {"status", fr.status},
            {"exit_code", fr.exit_code}, {"error", fr.error}, {"results", fr.results_path}};
  if (!fr.result) return j;
  const json full = ToJson(*fr.result);
  for (const char* key :
       {"duration_s", "totals", "phases", "stalls", "derived", "integrity", "slo", "images"}) {
    j[key] = full[key];
  }
  return j;
}

json FleetJson(const Fleet& f) {
  json ranks = json::array();
  for (const FleetRank& fr : f.per_rank) ranks.push_back(FleetRankJson(fr));
  json stalls = json::array();
  for (const FleetStall& s : f.stalls) {
    stalls.push_back({{"start_s", s.start_s},
                      {"end_s", s.end_s},
                      {"duration_s", s.duration_s},
                      {"ranks", s.ranks}});
  }
  return {{"ranks", f.ranks},
          {"stall_min_ranks", f.stall_min_ranks},
          {"per_rank", std::move(ranks)},
          {"fleet_stalls", std::move(stalls)}};
}

}  // namespace

bool SloPass(const RunResult& r) {
  for (const auto& c : r.slo_checks) {
    if (c.pass.has_value() && !*c.pass) return false;
  }
  return true;
}

json EventToJson(const Event& e) {
  return {{"id", e.id},     {"t_s", e.t_s},       {"end_s", OrNull(e.end_s)},
          {"kind", e.kind}, {"action", e.action}, {"node", e.node},
          {"ok", e.ok},     {"detail", e.detail}};
}

json ToJson(const RunResult& r) {
  json j;
  j["schema"] = kSchema;

  const Context& c = r.context;
  j["context"] = {{"version", c.version},
                  {"git_sha", c.git_sha},
                  {"seed", c.seed},
                  {"host", c.host},
                  {"kernel", c.kernel},
                  {"build_type", c.build_type},
                  {"started_at", c.started_at},
                  {"scenario", c.scenario},
                  {"backend", c.backend},
                  {"threads", c.threads}};
  j["duration_s"] = r.duration_s;
  j["interrupted"] = r.interrupted;

  json totals = json::object();
  for (int op = 0; op < 3; ++op) {
    const OpTotals& t = r.totals[op];
    totals[kOpNames[op]] = {{"ios", t.ios}, {"bytes", t.bytes}, {"errors", t.errors}};
  }
  j["totals"] = std::move(totals);

  json phases = json::array();
  for (const Phase& p : r.phases) {
    json pj = {{"name", p.name}, {"start_s", p.start_s}, {"end_s", p.end_s}};
    for (int op = 0; op < 3; ++op) pj[kOpNames[op]] = PhaseOpJson(p.ops[op]);
    phases.push_back(std::move(pj));
  }
  j["phases"] = std::move(phases);

  j["stalls"] = StallListJson(r.stalls);
  j["stalls_by_op"] = StallMapJson(r.stalls_by_op);
  j["stalls_by_image"] = StallMapJson(r.stalls_by_image);

  json events = json::array();
  for (const Event& e : r.events) events.push_back(EventToJson(e));
  j["events"] = std::move(events);

  json samples = json::array();
  for (const SyncSample& s : r.sync_samples) samples.push_back(SyncSampleJson(s));
  j["sync"] = {{"probe", r.sync_probe.empty() ? json(nullptr) : json(r.sync_probe)},
               {"samples", std::move(samples)}};

  const Derived& d = r.derived;
  j["derived"] = {{"max_stall_s", OrNull(d.max_stall_s)},
                  {"failover_latency_s", OrNull(d.failover_latency_s)},
                  {"heal_stall_max_s", OrNull(d.heal_stall_max_s)},
                  {"time_to_in_sync_s", OrNull(d.time_to_in_sync_s)},
                  {"degraded_iops_ratio", OrNull(d.degraded_iops_ratio)},
                  {"longest_completion_gap_s", OrNull(d.longest_completion_gap_s)},
                  {"expected_stall_s", OrNull(d.expected_stall_s)},
                  {"expected_stall_basis", OrNull(d.expected_stall_basis)}};

  const Integrity& in = r.integrity;
  j["integrity"] = {{"checked_blocks", OrNull(in.checked_blocks)},
                    {"lost_writes", OrNull(in.lost_writes)},
                    {"stale_reads", OrNull(in.stale_reads)},
                    {"torn_blocks", OrNull(in.torn_blocks)},
                    {"misdirected", OrNull(in.misdirected)},
                    {"diverged_blocks", OrNull(in.diverged_blocks)},
                    {"block_bytes", OrNull(in.block_bytes)},
                    {"blocks_read_back", OrNull(in.blocks_read_back)},
                    {"unverified_blocks", OrNull(in.unverified_blocks)},
                    {"note", in.note}};
  json replicas = json::array();
  for (const ReplicaIntegrity& ri : in.replicas) {
    replicas.push_back(
        {{"node", ri.node}, {"checked_blocks", ri.checked_blocks}, {"bad_blocks", ri.bad_blocks}});
  }
  j["integrity"]["replicas"] = std::move(replicas);

  json checks = json::array();
  for (const SloCheck& s : r.slo_checks) {
    checks.push_back({{"name", s.name},
                      {"unit", s.unit},
                      {"limit", s.limit},
                      {"value", OrNull(s.value)},
                      {"pass", OrNull(s.pass)}});
  }
  j["slo"] = {{"pass", SloPass(r)}, {"checks", std::move(checks)}};

  // The time series is kept here too so results.json stays the single source of truth;
  // timeseries.csv is rendered from the same rows.
  json series = json::array();
  for (const IntervalRow& row : r.timeseries) series.push_back(IntervalJson(row));
  j["timeseries"] = std::move(series);

  j["resources"] = {{"cpu_user_s", r.resources.cpu_user_s},
                    {"cpu_sys_s", r.resources.cpu_sys_s},
                    {"max_rss_kib", r.resources.max_rss_kib}};
  j["images"] = r.images;
  if (r.fleet) j["fleet"] = FleetJson(*r.fleet);
  return j;
}

std::string ResultsJsonText(const RunResult& r) {
  return ToJson(r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace healbench::report
