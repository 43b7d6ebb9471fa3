// The fleet's merged result. See fleet_merge.h.
#include "harness/fleet/fleet_merge.h"

#include <set>

#include "harness/fleet/fleet_stalls.h"
#include "harness/scenario/fleet_stall_ranks.h"
#include "reports/results_reader.h"

namespace healbench {
namespace {

struct RebuiltWorker {
  std::vector<PhaseStats> phases;
  StallRecorder stalls;
};

// A rank's worker on rank 0's clock, its images renumbered into the fleet's list.
RebuiltWorker Rebuild(const FleetWorkerData& d, Nanos start_ns, std::uint32_t image_offset) {
  std::vector<SlowIo> slow = d.slow;
  for (SlowIo& s : slow) {
    s.start_ns += start_ns;
    if (s.end_ns != -1) s.end_ns += start_ns;
    s.image += image_offset;
  }
  std::vector<Gap> gaps = d.gaps;
  for (Gap& g : gaps) {
    g.start_ns += start_ns;
    g.end_ns += start_ns;
  }
  return {d.phases,
          StallRecorder::Restore(d.threshold_ns, d.last_completion_rel_ns + start_ns, d.completions,
                                 d.finished, std::move(slow), std::move(gaps))};
}

void AddCount(std::optional<std::uint64_t>* sum, const std::optional<std::uint64_t>& v) {
  if (v) *sum = sum->value_or(0) + *v;
}

// The fleet's integrity: every count added up over the ranks that verified.
report::Integrity SumIntegrity(const std::vector<const report::RunResult*>& ranks) {
  report::Integrity out;
  std::set<std::string> notes;
  for (const report::RunResult* r : ranks) {
    const report::Integrity& i = r->integrity;
    AddCount(&out.checked_blocks, i.checked_blocks);
    AddCount(&out.lost_writes, i.lost_writes);
    AddCount(&out.stale_reads, i.stale_reads);
    AddCount(&out.torn_blocks, i.torn_blocks);
    AddCount(&out.misdirected, i.misdirected);
    AddCount(&out.diverged_blocks, i.diverged_blocks);
    AddCount(&out.blocks_read_back, i.blocks_read_back);
    AddCount(&out.unverified_blocks, i.unverified_blocks);
    if (i.block_bytes) out.block_bytes = i.block_bytes;
    for (const report::ReplicaIntegrity& ri : i.replicas) {
      auto it = std::find_if(out.replicas.begin(), out.replicas.end(),
                             [&](const report::ReplicaIntegrity& x) { return x.node == ri.node; });
      if (it == out.replicas.end()) {
        out.replicas.push_back(ri);
      } else {
        it->checked_blocks += ri.checked_blocks;
        it->bad_blocks += ri.bad_blocks;
      }
    }
    if (!i.note.empty()) notes.insert(i.note);
  }
  for (const std::string& n : notes) out.note += (out.note.empty() ? "" : "; ") + n;
  return out;
}

}  // namespace

std::string RankOutDir(const std::string& out_dir, int rank) {
  return out_dir + "/ranks/rank-" + std::to_string(rank);
}

report::RunResult MergeFleet(const FleetMergeInput& in) {
  const int ranks = static_cast<int>(in.hosts.size());
  report::Fleet fleet;
  fleet.ranks = ranks;
  fleet.stall_min_ranks = ResolveFleetStallRanks(in.stall_ranks_spec, ranks);

  // Each rank's own result, and the workers of all of them on rank 0's clock.
  std::vector<const report::RunResult*> finished = {in.own};
  std::vector<std::unique_ptr<RebuiltWorker>> rebuilt;
  AssemblyInput assembly = in.assembly;
  assembly.workers = MeasurementsOf(*in.workers);
  assembly.image_names = in.images.empty() ? std::vector<std::string>{} : in.images[0];
  for (int r = 0; r < ranks; ++r) {
    report::FleetRank fr;
    fr.rank = r;
    fr.host = in.hosts[static_cast<std::size_t>(r)];
    fr.results_path = RankOutDir(in.out_dir, r) + "/results.json";
    const auto image_offset = static_cast<std::uint32_t>(assembly.image_names.size());
    if (r > 0) {
      for (const std::string& name : in.images[static_cast<std::size_t>(r)])
        assembly.image_names.push_back(name);
    }
    if (r == 0) {
      fr.result = std::make_shared<const report::RunResult>(*in.own);  // a copy: `own` is replaced
      fr.status = "finished";
    } else if (auto it = in.finals->find(r); it == in.finals->end()) {
      fr.status = "missing";
      fr.exit_code = -1;
      fr.error =
          "never handed over its results (died, hung or unreachable); whatever it "
          "measured is not in the fleet's figures";
    } else {
      const FleetFinal& f = it->second;
      fr.exit_code = f.exit_code;
      fr.status = f.exit_code == 3 ? "failed" : "finished";
      auto parsed = std::make_shared<report::RunResult>();
      std::string err;
      nlohmann::json j = nlohmann::json::parse(f.results_json, nullptr, false);
      if (j.is_discarded() || !report::FromJson(j, parsed.get(), &err)) {
        fr.status = "failed";
        fr.error = "its results could not be read: " + (err.empty() ? "not JSON" : err);
      } else {
        fr.result = parsed;
        finished.push_back(parsed.get());
      }
      for (const FleetWorkerData& d : f.workers) {
        rebuilt.push_back(
            std::make_unique<RebuiltWorker>(Rebuild(d, assembly.run_start_ns, image_offset)));
        assembly.workers.push_back({&rebuilt.back()->phases, &rebuilt.back()->stalls});
      }
    }
    fleet.per_rank.push_back(std::move(fr));
  }

  // Fleet stalls: each rank's own stalls side by side.
  std::vector<RankStalls> spans;
  for (const report::FleetRank& fr : fleet.per_rank) {
    if (!fr.result) continue;
    RankStalls rs;
    rs.rank = fr.rank;
    for (const report::StallEntry& s : fr.result->stalls) rs.spans.emplace_back(s.start_s, s.end_s);
    spans.push_back(std::move(rs));
  }
  fleet.stalls = FindFleetStalls(spans, fleet.stall_min_ranks);

  // The merged figures: rank 0's context, events and probe samples, everyone's measurements.
  report::RunResult merged;
  merged.context = in.own->context;
  merged.duration_s = in.own->duration_s;
  merged.interrupted = in.own->interrupted;
  merged.events = in.own->events;
  merged.sync_probe = in.own->sync_probe;
  merged.sync_samples = in.own->sync_samples;
  merged.derived.expected_stall_s = in.own->derived.expected_stall_s;
  merged.derived.expected_stall_basis = in.own->derived.expected_stall_basis;
  merged.timeseries = in.fleet_rows;
  merged.resources = in.own->resources;
  merged.images = assembly.image_names;
  bool verified = false;
  for (const report::RunResult* r : finished) verified = verified || r->integrity.checked_blocks;
  if (verified) merged.integrity = SumIntegrity(finished);
  AssembleMeasurements(assembly, &merged);
  merged.fleet = std::move(fleet);
  return merged;
}

}  // namespace healbench
