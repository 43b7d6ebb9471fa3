// `healbench verify OUT/`: verifies a finished (or crashed) run's writes later, from its
// verify journal: rebuilds what every block should hold from OUT/verify/journal-*.bin,
// opens the same storage as OUT/verify/scenario.json describes, reads back every written
// block (and compares replicas where the backend reaches them), prints the findings and
// writes OUT/verify/verify-result.json. Exit 0 nothing lost or damaged, 1 problems found,
// 2 bad input, 3 storage unreachable or the read-back incomplete.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "backends/backend_registry.h"
#include "harness/cli/command_options.h"
#include "harness/cli/commands.h"
#include "harness/core/units.h"
#include "harness/run/final_verify.h"
#include "harness/run/path_replica_reader.h"
#include "harness/scenario/scenario_loader.h"
#include "reports/atomic_file.h"
#include "workloads/verify_journal.h"

namespace healbench {
namespace po = boost::program_options;
namespace {

using nlohmann::json;

// The stored scenario as --set overrides (the loader checks them all again). The fault
// timeline and probe play no part in a later verify and are left out.
void AppendSets(const json& j, const std::string& prefix, std::vector<std::string>* sets) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (prefix.empty() && (it.key() == "fault" || it.key() == "probe")) continue;
    if (it->is_null()) continue;
    if (it->is_object()) {
      AppendSets(*it, key, sets);
    } else if (!(it->is_string() && it->get<std::string>().empty())) {
      sets->push_back(key + "=" + it->dump());
    }
  }
}

Result<Scenario> LoadStoredScenario(const std::string& path) {
  std::ifstream in(path);
  if (!in) return MakeError(ErrorCode::kBadInput, path + ": cannot read (not a verified run?)");
  json j = json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return MakeError(ErrorCode::kBadInput, path + ": not valid JSON");
  std::vector<std::string> sets;
  AppendSets(j, "", &sets);
  auto s = LoadScenarioFromSets(sets);
  if (!s.ok()) return MakeError(ErrorCode::kBadInput, path + ": " + s.error().message);
  return s;
}

struct Replayed {
  std::vector<ImageVerifier> verifiers;
  std::uint64_t records = 0;
  int journals = 0;
  bool truncated = false;
};

Result<Replayed> ReplayJournals(const std::string& dir, std::uint32_t images) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("journal-", 0) == 0 && e.path().extension() == ".bin")
      paths.push_back(e.path().string());
  }
  if (paths.empty()) return MakeError(ErrorCode::kBadInput, dir + ": no journal-*.bin files");
  std::sort(paths.begin(), paths.end());
  Replayed r;
  std::uint64_t run_id = 0;
  for (const std::string& p : paths) {
    auto c = ReadJournal(p);
    if (!c.ok()) return c.error();
    if (run_id == 0) {
      run_id = c->run_id;
      for (std::uint32_t i = 0; i < images; ++i) {
        r.verifiers.emplace_back(i, run_id);
        r.verifiers.back().SetJournalMayLag(true);
      }
    } else if (c->run_id != run_id) {
      return MakeError(ErrorCode::kBadInput, p + ": journal of another run (run id differs)");
    }
    for (const JournalRecord& rec : c->records) {
      if (rec.image >= images) {
        return MakeError(ErrorCode::kBadInput, p + ": record for image " +
                                                   std::to_string(rec.image) + " but the run had " +
                                                   std::to_string(images));
      }
      ImageVerifier& v = r.verifiers[rec.image];
      if (rec.kind == JournalKind::kFault) {
        v.AddFaultBoundary(rec.generation);
      } else if (rec.kind == JournalKind::kFaultEnd) {
        v.AddFaultEnd(rec.generation);
      } else {
        v.OnWriteDone(rec.offset, rec.length, rec.generation, rec.kind == JournalKind::kAcked);
      }
    }
    r.records += c->records.size();
    r.truncated = r.truncated || c->truncated;
    ++r.journals;
  }
  return r;
}

const char* kVerifyUsage =
    "usage: healbench verify OUT_DIR [options]\n"
    "Reads back every block a run with workload.verify = true wrote, from its journal, and\n"
    "reports lost, stale, torn, misdirected and diverged blocks. The storage must still be\n"
    "there: a file/device, NBD export, GlusterFS volume or external reference nodes.";

}  // namespace

int VerifyCommand(const std::vector<std::string>& args) {
  po::options_description opts("options");
  std::string io_timeout = "30s";
  opts.add_options()("io-timeout", po::value(&io_timeout),
                     "give up when a read does not return within this (default 30s)");
  std::vector<std::string> positional;
  if (auto code = ParseCommandOptions("verify", kVerifyUsage, args, opts, &positional))
    return *code;
  if (positional.size() != 1) {
    fprintf(stderr, "healbench verify: expected one OUT_DIR\n%s\n", kVerifyUsage);
    return 2;
  }
  auto timeout = ParseDuration(io_timeout);
  if (!timeout.ok() || *timeout <= 0) {
    fprintf(stderr, "healbench verify: --io-timeout %s: expected a duration such as 30s\n",
            io_timeout.c_str());
    return 2;
  }
  const std::string dir = positional[0] + "/verify";
  auto scenario = LoadStoredScenario(dir + "/scenario.json");
  if (!scenario.ok()) {
    fprintf(stderr, "healbench verify: %s\n", scenario.error().message.c_str());
    return 2;
  }
  const Scenario& s = *scenario;
  if (s.backend.kind == "ref" && s.backend.options.count("nodes") == 0) {
    fprintf(stderr,
            "healbench verify: %s: the run's reference nodes were spawned by the run and are "
            "gone; a later verify needs storage that outlives the run (backend.nodes, file, "
            "nbd, gfapi, ...)\n",
            positional[0].c_str());
    return 2;
  }
  auto replayed = ReplayJournals(dir, s.images.count);
  if (!replayed.ok()) {
    fprintf(stderr, "healbench verify: %s\n", replayed.error().message.c_str());
    return 2;
  }
  const BackendEntry* entry = FindBackend(s.backend.kind);
  if (entry == nullptr || !entry->unavailable_reason().empty()) {
    fprintf(stderr, "healbench verify: backend.kind \"%s\" is not available in this build\n",
            s.backend.kind.c_str());
    return 2;
  }
  auto backend = entry->make({s.backend.kind, s.backend.path, s.backend.direct, s.backend.options});
  if (!backend.ok()) {
    fprintf(stderr, "healbench verify: %s\n", backend.error().message.c_str());
    return ExitCodeFor(backend.error());
  }
  const std::uint32_t align = (*backend)->Caps().alignment;
  std::vector<ImageSpec> specs;
  for (std::uint32_t i = 0; i < s.images.count; ++i)
    specs.push_back(
        {s.images.prefix + "-" + std::to_string(i), s.images.size_bytes / align * align});
  auto prepared = (*backend)->Prepare(specs);
  if (!prepared.ok()) {
    fprintf(stderr, "healbench verify: %s\n", prepared.error().message.c_str());
    return ExitCodeFor(prepared.error());
  }
  std::vector<ImageVerifier*> verifiers;
  std::uint64_t touched = 0;
  for (ImageVerifier& v : replayed->verifiers) {
    verifiers.push_back(&v);
    touched += v.TouchedBlocks();
  }
  printf("verify: %d journal(s), %llu record(s)%s; reading back %llu block(s) of 4 KiB\n",
         replayed->journals, static_cast<unsigned long long>(replayed->records),
         replayed->truncated ? " (the last record of a journal was cut short: ignored)" : "",
         static_cast<unsigned long long>(touched));
  std::vector<std::string> names;
  for (const ImageSpec& spec : specs) names.push_back(spec.name);
  auto replicas = OpenPathReplicaReaders(s, names);
  if (!replicas.ok()) {
    fprintf(stderr, "healbench verify: %s\n", replicas.error().message.c_str());
    return 2;
  }
  FinalVerifyOptions o;
  o.io_timeout_ns = *timeout;
  const FinalVerifyResult f = FinalVerify(backend->get(), verifiers, o, std::move(*replicas));
  report::RunResult r;
  FillIntegrity({}, f, &r);
  const report::Integrity& in = r.integrity;
  printf(
      "checked %llu | lost writes %llu | stale reads %llu | torn %llu | misdirected %llu | "
      "diverged %llu | unverified %llu\n",
      static_cast<unsigned long long>(*in.checked_blocks),
      static_cast<unsigned long long>(*in.lost_writes),
      static_cast<unsigned long long>(*in.stale_reads),
      static_cast<unsigned long long>(*in.torn_blocks),
      static_cast<unsigned long long>(*in.misdirected),
      static_cast<unsigned long long>(*in.diverged_blocks),
      static_cast<unsigned long long>(f.unverified_blocks));
  for (const report::ReplicaIntegrity& ri : in.replicas) {
    printf("replica %s: checked %llu, not the acknowledged version %llu\n", ri.node.c_str(),
           static_cast<unsigned long long>(ri.checked_blocks),
           static_cast<unsigned long long>(ri.bad_blocks));
  }
  if (!in.note.empty()) printf("note: %s\n", in.note.c_str());
  json out = {{"checked_blocks", *in.checked_blocks},   {"lost_writes", *in.lost_writes},
              {"stale_reads", *in.stale_reads},         {"torn_blocks", *in.torn_blocks},
              {"misdirected", *in.misdirected},         {"diverged_blocks", *in.diverged_blocks},
              {"blocks_read_back", f.blocks_read_back}, {"unverified_blocks", f.unverified_blocks},
              {"journal_records", replayed->records},   {"journal_truncated", replayed->truncated},
              {"verified_at", WallClockIso8601()},      {"note", in.note}};
  std::string err;
  if (!report::WriteFileAtomically(dir + "/verify-result.json", out.dump(2) + "\n", &err)) {
    fprintf(stderr, "healbench verify: %s\n", err.c_str());
    return 3;
  }
  printf("results: %s/verify-result.json\n", dir.c_str());
  if (f.unverified_blocks > 0) return 3;
  return f.counts.Problems() > 0 ? 1 : 0;
}

}  // namespace healbench
