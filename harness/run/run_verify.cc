// Write verification around a run. See run_verify.h.
#include "harness/run/run_verify.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include "harness/core/units.h"
#include "harness/run/final_verify.h"
#include "harness/run/path_replica_reader.h"
#include "harness/scenario/scenario_loader.h"
#include "reports/atomic_file.h"
#include "workloads/block_stamp.h"

namespace healbench {

std::string RunVerify::JournalPath(int worker) const {
  return dir + "/journal-" + std::to_string(worker) + ".bin";
}

Result<RunVerify> PrepareRunVerify(const Scenario& s, const WorkloadParams& params,
                                   const Capabilities& caps, const std::string& out_dir,
                                   std::uint64_t seed) {
  if (!caps.keeps_data) {
    return MakeError(ErrorCode::kBadInput,
                     s.source +
                         ": workload.verify = true needs a backend that keeps what is "
                         "written; backend.kind = \"" +
                         s.backend.kind + "\" stores nothing");
  }
  for (const BlockSizeWeight& b : params.bs) {
    if (b.bytes % kVerifyBlockBytes != 0) {
      return MakeError(ErrorCode::kBadInput,
                       s.source +
                           ": workload.verify = true needs block sizes that are multiples "
                           "of 4 KiB (the verification unit); workload.bs has " +
                           FormatSizeExact(b.bytes));
    }
  }
  RunVerify v;
  // Distinct per run even with the same seed, so a replay never mistakes the earlier run's
  // blocks for its own.
  const auto now =
      static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  v.run_id = std::mt19937_64(seed ^ now ^ std::random_device{}())() | 1;
  v.dir = out_dir + "/verify";
  std::error_code ec;
  std::filesystem::create_directories(v.dir, ec);
  if (ec) return MakeError(ErrorCode::kBadInput, "verify directory " + v.dir + ": " + ec.message());
  Scenario resolved = s;
  resolved.run.seed = seed;
  nlohmann::json j = ScenarioToJson(resolved);
  std::string err;
  if (!report::WriteFileAtomically(v.dir + "/scenario.json", j.dump(2) + "\n", &err))
    return MakeError(ErrorCode::kBadInput, err);
  return v;
}

void VerifyAfterRun(const Scenario& s, Backend* backend,
                    std::vector<std::unique_ptr<Worker>>& workers, const ProbePoller* poller,
                    EventRecorder* events, report::RunResult* result) {
  const std::size_t image_count = result->images.size();
  std::vector<ImageVerifier*> verifiers(image_count, nullptr);
  IntegrityCounts during;
  std::uint64_t touched = 0;
  for (auto& w : workers) {
    during.Add(w->verify_counts());
    for (ImageVerifier& v : w->verifiers()) {
      if (v.image() < image_count) verifiers[v.image()] = &v;
      touched += v.TouchedBlocks();
    }
  }
  const Nanos begin = MonotonicNs();
  fprintf(stderr, "verify: reading back %llu written block(s) of 4 KiB and comparing replicas\n",
          static_cast<unsigned long long>(touched));
  FinalVerifyOptions options;
  if (poller != nullptr) {
    options.in_sync = [poller](std::string* state) {
      auto latest = poller->LatestSince(0);
      if (!latest) return false;
      *state = std::string(SyncStateName(latest->state)) + " (" + latest->detail + ")";
      return latest->state == SyncState::kInSync;
    };
  }
  std::vector<std::unique_ptr<ReplicaReader>> replicas;
  if (auto r = OpenPathReplicaReaders(s, result->images); r.ok()) {
    replicas = std::move(*r);
  } else {
    events->Add("verify", "replicas", "", false, r.error().message, MonotonicNs());
  }
  const FinalVerifyResult f = FinalVerify(backend, verifiers, options, std::move(replicas));
  FillIntegrity(during, f, result);
  const report::Integrity& in = result->integrity;
  std::string detail = "read back " + std::to_string(f.blocks_read_back) + " block(s) in " +
                       FormatDuration(f.duration_ns) + ": lost " + std::to_string(*in.lost_writes) +
                       ", stale reads " + std::to_string(*in.stale_reads) + ", torn " +
                       std::to_string(*in.torn_blocks) + ", misdirected " +
                       std::to_string(*in.misdirected) + ", diverged " +
                       std::to_string(*in.diverged_blocks);
  if (!f.replicas.empty())
    detail += "; " + std::to_string(f.replicas.size()) + " replicas compared";
  if (!in.note.empty()) detail += "; " + in.note;
  const bool clean = in.lost_writes == 0u && in.stale_reads == 0u && in.torn_blocks == 0u &&
                     in.misdirected == 0u && in.diverged_blocks == 0u && f.unverified_blocks == 0;
  events->Add("verify", "verify", "", clean, detail, begin, MonotonicNs());
}

}  // namespace healbench
