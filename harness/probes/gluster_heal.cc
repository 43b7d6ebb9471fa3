// GlusterFS heal info → sync sample: form detection and the state / safe-to-stop rules
// shared by the XML and text parsers (gluster_heal_xml.cc, gluster_heal_text.cc).
#include "harness/probes/gluster_heal.h"

#include <algorithm>
#include <limits>

#include "harness/probes/probe_text.h"

namespace healbench {

namespace {

bool Connected(const GlusterBrick& b) {
  // Releases before 3.x printed no Status line; the brick answered, so it is connected.
  return b.status.empty() || b.status == "Connected";
}

bool HasEntries(const GlusterBrick& b) {
  return b.total.value_or(0) > 0 || b.split_brain.value_or(0) > 0;
}

std::string KeyOf(const GlusterBrick& b, const GlusterOptions& o) {
  if (!o.key_by_host) return b.name;
  const auto colon = b.name.find(':');
  return colon == std::string::npos ? b.name : b.name.substr(0, colon);
}

std::uint64_t SaturatingMul(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) {
    return std::numeric_limits<std::uint64_t>::max();
  }
  return a * b;
}

}  // namespace

SyncSample ParseGlusterHealInfo(std::string_view text, const GlusterOptions& options) {
  if (auto reject = probe_text::RejectInput(text)) return UnknownSample(*reject);
  std::vector<GlusterBrick> bricks;
  const std::string_view t = probe_text::Trim(text);
  const bool xml = t.starts_with("<?xml") || t.starts_with("<cliOutput");
  const auto error = xml ? ParseGlusterHealXml(text, &bricks) : ParseGlusterHealText(text, &bricks);
  if (error) return UnknownSample(*error);
  return EvaluateGlusterBricks(bricks, options);
}

SyncSample EvaluateGlusterBricks(const std::vector<GlusterBrick>& bricks,
                                 const GlusterOptions& options) {
  if (bricks.empty()) return UnknownSample("no bricks in heal info output");
  std::uint64_t total = 0, split = 0, healing = 0;
  bool healing_known = true;
  std::vector<std::string> down;
  for (const GlusterBrick& b : bricks) {
    if (!Connected(b)) {
      down.push_back("brick " + b.name + ": " + b.status);
      continue;
    }
    if (!b.total && !b.split_brain) {
      return UnknownSample("brick " + b.name + ": no entry count (truncated output?)");
    }
    total += b.total.value_or(b.split_brain.value_or(0));
    split += b.split_brain.value_or(0);
    if (b.possibly_healing) {
      healing += *b.possibly_healing;
    } else {
      healing_known = false;
    }
  }

  SyncSample s;
  s.pending_entries = total;
  const std::uint64_t unit =
      options.shard_size_bytes > 0 ? options.shard_size_bytes : options.image_size_bytes;
  if (unit > 0) {
    s.out_of_sync_bytes = SaturatingMul(total, unit);
    s.estimate = true;
  }
  const std::string heal_cmd = "`gluster volume heal " +
                               (options.volume.empty() ? std::string("VOL") : options.volume) + "`";
  const std::string pending = std::to_string(total) + " entries pending";
  if (!down.empty()) {
    s.state = SyncState::kDegraded;
    s.detail = probe_text::JoinLimited(down) + "; " + pending + " on the connected bricks";
  } else if (split > 0) {
    s.state = SyncState::kDegraded;
    s.detail =
        std::to_string(split) + " entries in split-brain (need manual resolution); " + pending;
  } else if (total > 0) {
    s.state = SyncState::kHealing;
    if (healing_known && healing == 0) {
      s.heal_waiting = true;
      s.detail = pending + ", heal not running (waits for the self-heal crawl or " + heal_cmd + ")";
    } else if (healing_known) {
      s.detail = pending + ", " + std::to_string(healing) + " possibly healing";
    } else {
      s.detail = pending + " (this output does not say whether a heal is running)";
    }
  } else {
    s.state = SyncState::kInSync;
    s.detail = "all " + std::to_string(bricks.size()) + " bricks connected, no entries pending";
  }

  // Stopping brick B is safe only while every other brick is connected and clean, and B
  // itself holds no pending marks: in AFR the brick that lists an entry is the one with the
  // good copy, so stopping it could leave only stale replicas.
  for (const GlusterBrick& b : bricks) s.safe_to_stop.emplace(KeyOf(b, options), true);
  for (auto& [key, safe] : s.safe_to_stop) {
    for (const GlusterBrick& b : bricks) {
      const bool same = KeyOf(b, options) == key;
      if (same ? HasEntries(b) : (!Connected(b) || HasEntries(b))) safe = false;
    }
  }
  return s;
}

}  // namespace healbench
