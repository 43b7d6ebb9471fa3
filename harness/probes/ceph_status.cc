// Parser for `ceph status -f json`: osdmap (flat, or nested as osdmap.osdmap before
// Octopus) and pgmap → sync state; health strings are ignored because they lag the PGs.
#include "harness/probes/ceph_status.h"

#include <cstdint>
#include <set>

#include "harness/probes/probe_text.h"

namespace healbench {

namespace {

using nlohmann::json;
using probe_text::JsonU64;

struct PgTally {
  std::uint64_t clean = 0, total = 0, moving = 0, broken = 0;
};

std::vector<std::string_view> Tokens(std::string_view state) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= state.size()) {
    std::size_t plus = state.find('+', start);
    if (plus == std::string_view::npos) plus = state.size();
    out.push_back(state.substr(start, plus - start));
    start = plus + 1;
  }
  return out;
}

void Tally(std::string_view state, std::uint64_t count, PgTally* t) {
  // Flags that leave a PG clean: scrubs and snapshot trimming.
  static const std::set<std::string_view> kHarmless = {
      "active", "clean", "scrubbing", "deep", "snaptrim", "snaptrim_wait", "scrubbing_deep"};
  static const std::set<std::string_view> kMoving = {
      "recovering", "recovery_wait", "backfilling",     "backfill_wait",   "peering",
      "activating", "remapped",      "forced_recovery", "forced_backfill", "wait"};
  static const std::set<std::string_view> kBroken = {"stale",
                                                     "down",
                                                     "incomplete",
                                                     "inconsistent",
                                                     "recovery_unfound",
                                                     "backfill_unfound",
                                                     "recovery_toofull",
                                                     "backfill_toofull",
                                                     "unknown"};
  bool has_active = false, has_clean = false, harmless = true, moving = false, broken = false;
  for (std::string_view tok : Tokens(state)) {
    has_active = has_active || tok == "active";
    has_clean = has_clean || tok == "clean";
    harmless = harmless && kHarmless.contains(tok);
    moving = moving || kMoving.contains(tok);
    broken = broken || kBroken.contains(tok);
  }
  t->total += count;
  if (has_active && has_clean && harmless) t->clean += count;
  if (moving) t->moving += count;
  if (broken) t->broken += count;
}

}  // namespace

SyncSample ParseCephStatus(std::string_view text, const CephOptions& /*options*/) {
  if (auto reject = probe_text::RejectInput(text)) return UnknownSample(*reject);
  std::string why;
  const auto parsed = probe_text::ExtractJson(text, &why);
  if (!parsed) return UnknownSample("ceph status: " + why);
  const json& root = *parsed;
  if (!root.is_object()) return UnknownSample("ceph status: not a JSON object");
  const auto osdmap_it = root.find("osdmap");
  const auto pgmap_it = root.find("pgmap");
  if (osdmap_it == root.end() || pgmap_it == root.end() || !pgmap_it->is_object()) {
    return UnknownSample("ceph status: no osdmap or pgmap (not `ceph status -f json` output?)");
  }
  const json* osdmap = &*osdmap_it;
  if (osdmap->contains("osdmap")) osdmap = &(*osdmap)["osdmap"];  // Luminous / Nautilus
  const json& pgmap = *pgmap_it;
  const auto num_osds = JsonU64(*osdmap, "num_osds");
  const auto up = JsonU64(*osdmap, "num_up_osds");
  const auto in = JsonU64(*osdmap, "num_in_osds");
  const auto num_pgs = JsonU64(pgmap, "num_pgs");
  const auto by_state = pgmap.find("pgs_by_state");
  if (!num_osds || !up || !in || !num_pgs || by_state == pgmap.end() || !by_state->is_array()) {
    return UnknownSample("ceph status: osdmap or pgmap lacks OSD or PG counts");
  }
  PgTally pgs;
  for (const json& e : *by_state) {
    const std::string name = probe_text::JsonString(e, "state_name");
    const auto count = JsonU64(e, "count");
    if (name.empty() || !count) return UnknownSample("ceph status: malformed pgs_by_state entry");
    Tally(name, *count, &pgs);
  }
  const std::uint64_t degraded = JsonU64(pgmap, "degraded_objects").value_or(0);
  const std::uint64_t misplaced = JsonU64(pgmap, "misplaced_objects").value_or(0);
  const std::uint64_t unfound = JsonU64(pgmap, "unfound_objects").value_or(0);
  const std::uint64_t remapped = JsonU64(*osdmap, "num_remapped_pgs").value_or(0);
  const std::uint64_t rate = JsonU64(pgmap, "recovering_objects_per_sec").value_or(0) +
                             JsonU64(pgmap, "recovering_bytes_per_sec").value_or(0);
  const std::uint64_t objects = JsonU64(pgmap, "num_objects").value_or(0);
  const std::uint64_t data_bytes = JsonU64(pgmap, "data_bytes").value_or(0);

  SyncSample s;
  s.pending_entries = degraded + misplaced + unfound;
  if (objects > 0) {
    const auto bytes = static_cast<unsigned __int128>(degraded) * data_bytes / objects;
    s.out_of_sync_bytes = bytes > UINT64_MAX ? UINT64_MAX : static_cast<std::uint64_t>(bytes);
    s.estimate = degraded > 0;  // 0 is exact; anything else assumes the average object
  }
  const std::string osds = std::to_string(*up) + "/" + std::to_string(*num_osds) + " OSDs up, " +
                           std::to_string(*in) + " in";
  const std::string pg_note =
      std::to_string(pgs.clean) + "/" + std::to_string(*num_pgs) + " PGs active+clean";
  std::string objs;
  if (degraded > 0) objs += ", " + std::to_string(degraded) + " objects degraded";
  if (misplaced > 0) objs += ", " + std::to_string(misplaced) + " misplaced";
  if (unfound > 0) objs += ", " + std::to_string(unfound) + " unfound";
  if (remapped > 0) objs += ", " + std::to_string(remapped) + " PGs remapped";
  s.detail = osds + ", " + pg_note + objs;

  const bool all_up = *up >= *num_osds && *in >= *num_osds;
  const bool clean = pgs.clean == *num_pgs && pgs.total == *num_pgs && degraded == 0 &&
                     misplaced == 0 && unfound == 0 && remapped == 0;
  if (all_up && clean) {
    s.state = SyncState::kInSync;
  } else if (!all_up || unfound > 0 || pgs.broken > 0) {
    s.state = SyncState::kDegraded;
  } else if (pgs.moving > 0 || rate > 0 || remapped > 0 || misplaced > 0) {
    s.state = SyncState::kHealing;
  } else {
    s.state = SyncState::kDegraded;
    s.detail += ", no recovery running";
  }
  return s;
}

}  // namespace healbench
