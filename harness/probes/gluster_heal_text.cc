// Parser for the text forms of `gluster volume heal VOL info`, `info summary` and `info
// split-brain`: "Brick host:/path" blocks with Status and count lines, entry lines marked
// " - Is in split-brain" or " - Possibly undergoing heal".
#include <string>
#include <tuple>

#include "harness/probes/gluster_heal.h"
#include "harness/probes/probe_text.h"

namespace healbench {

namespace {

struct Block {
  GlusterBrick brick;
  bool summary = false;  // printed summary counts (info summary / info split-brain)
  std::uint64_t split_marks = 0, healing_marks = 0;
};

// "Key: value" with this exact key → value; nullopt otherwise.
std::optional<std::string_view> Field(std::string_view line, std::string_view key) {
  if (!line.starts_with(key) || line.size() <= key.size() || line[key.size()] != ':') {
    return std::nullopt;
  }
  return probe_text::Trim(line.substr(key.size() + 1));
}

}  // namespace

std::optional<std::string> ParseGlusterHealText(std::string_view text,
                                                std::vector<GlusterBrick>* bricks) {
  const std::string norm = probe_text::Normalize(text);
  std::vector<Block> blocks;
  std::string first_other;  // the first line outside any brick, for error messages
  std::string bad;
  const auto count = [&bad](std::string_view v, std::optional<std::uint64_t>* out) {
    if (v == "-") return;
    *out = probe_text::ParseU64(v);
    if (!*out) bad = std::string(v);
  };
  for (std::string_view raw : probe_text::SplitLines(norm)) {
    const std::string_view line = probe_text::Trim(raw);
    if (line.empty()) continue;
    if (line.starts_with("Brick ")) {
      blocks.emplace_back();
      blocks.back().brick.name = std::string(probe_text::Trim(line.substr(6)));
      continue;
    }
    if (blocks.empty()) {
      if (first_other.empty()) first_other = std::string(line.substr(0, 200));
      continue;
    }
    Block& b = blocks.back();
    // Count lines: key, field, and whether only the summary forms print it.
    using Slot = std::optional<std::uint64_t> GlusterBrick::*;
    static constexpr std::tuple<std::string_view, Slot, bool> kCounts[] = {
        {"Total Number of entries", &GlusterBrick::total, true},
        {"Number of entries", &GlusterBrick::total, false},
        {"Number of entries in heal pending", &GlusterBrick::heal_pending, true},
        {"Number of entries in split-brain", &GlusterBrick::split_brain, true},
        {"Number of entries possibly healing", &GlusterBrick::possibly_healing, true}};
    bool matched = false;
    if (auto status = Field(line, "Status")) {
      b.brick.status = std::string(*status);
      matched = true;
    }
    for (const auto& [key, slot, summary] : kCounts) {
      if (matched) break;
      if (auto v = Field(line, key)) {
        b.summary = b.summary || summary;
        count(*v, &(b.brick.*slot));
        matched = true;
      }
    }
    if (!matched && line.ends_with("- Is in split-brain")) ++b.split_marks;
    if (!matched && line.ends_with("- Possibly undergoing heal")) ++b.healing_marks;
    if (!bad.empty()) return "brick " + b.brick.name + ": count \"" + bad + "\" is not a number";
  }
  if (blocks.empty()) {
    return first_other.empty() ? std::string("no bricks in heal info output")
                               : "no bricks in heal info output: " + first_other;
  }
  for (Block& b : blocks) {
    // Plain `heal info` carries counts only as per-entry markers.
    if (!b.summary && b.brick.total) {
      b.brick.split_brain = b.split_marks;
      b.brick.possibly_healing = b.healing_marks;
    }
    bricks->push_back(std::move(b.brick));
  }
  return std::nullopt;
}

}  // namespace healbench
