// GlusterFS heal state from `gluster volume heal VOL info summary --xml` (the primary, the
// cheapest complete answer), its text form, or plain `heal VOL info` text as a fallback:
// per-brick connectivity and pending / split-brain / possibly-healing entry counts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/probes/sync_sample.h"

namespace healbench {

struct GlusterOptions {
  std::string volume{};                // for the detail text ("gluster volume heal VOL")
  std::uint64_t shard_size_bytes = 0;  // features.shard-block-size; 0 = not sharded
  std::uint64_t image_size_bytes = 0;  // per-entry estimate when not sharded; 0 = no estimate
  bool key_by_host = false;            // safe_to_stop per host ("vm") instead of brick ("vm:/b")
};

// One brick as the CLI reported it. Counts are absent when the brick is not connected
// ("-") or the output form does not carry them (heal info has no possibly-healing count
// in --xml).
struct GlusterBrick {
  std::string name;    // "host:/path" as printed
  std::string status;  // "Connected", "Transport endpoint is not connected", "" if not printed
  std::optional<std::uint64_t> total, heal_pending, split_brain, possibly_healing;
};

// Auto-detects XML or text. State rules:
//   a brick not connected → degraded; split-brain entries → degraded (they never heal by
//   themselves); entries pending → healing, with heal_waiting when possibly-healing is 0;
//   all connected and nothing pending → in_sync. Anything unparsable → unknown.
SyncSample ParseGlusterHealInfo(std::string_view text, const GlusterOptions& options);

// The two halves, for callers that know the form. Both fill `bricks` or return why not.
std::optional<std::string> ParseGlusterHealXml(std::string_view text,
                                               std::vector<GlusterBrick>* bricks);
std::optional<std::string> ParseGlusterHealText(std::string_view text,
                                                std::vector<GlusterBrick>* bricks);

// Bricks → sample (the rules above).
SyncSample EvaluateGlusterBricks(const std::vector<GlusterBrick>& bricks,
                                 const GlusterOptions& options);

}  // namespace healbench
