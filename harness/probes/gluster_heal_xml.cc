// Hand parser for `gluster volume heal VOL info [summary] --xml`: flat, simple XML, read
// by tag without a full XML library (libxml2 is not available), tolerant of raw '<' in
// values as seen in redacted captures.
#include <string>

#include "harness/probes/gluster_heal.h"
#include "harness/probes/probe_text.h"

namespace healbench {

namespace {

std::string DecodeEntities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
  for (std::size_t i = 0; i < s.size();) {
    bool done = false;
    if (s[i] == '&') {
      for (const auto& [entity, c] : kEntities) {
        if (s.substr(i).starts_with(entity)) {
          out.push_back(c);
          i += entity.size();
          done = true;
          break;
        }
      }
    }
    if (!done) out.push_back(s[i++]);
  }
  return out;
}

// Text between <tag> and </tag> inside `block`; nullopt when absent. "<tag/>" is "".
std::optional<std::string> TagValue(std::string_view block, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string empty = "<" + std::string(tag) + "/>";
  const std::string close = "</" + std::string(tag) + ">";
  const auto start = block.find(open);
  if (start == std::string_view::npos) {
    if (block.find(empty) != std::string_view::npos) return std::string();
    return std::nullopt;
  }
  const auto end = block.find(close, start + open.size());
  if (end == std::string_view::npos) return std::nullopt;
  return DecodeEntities(
      probe_text::Trim(block.substr(start + open.size(), end - start - open.size())));
}

// A count: digits, or "-" (brick not connected) → absent. `bad` set on anything else.
std::optional<std::uint64_t> Count(std::string_view block, std::string_view tag, bool* bad) {
  const auto v = TagValue(block, tag);
  if (!v || *v == "-") return std::nullopt;
  auto n = probe_text::ParseU64(*v);
  if (!n) *bad = true;
  return n;
}

}  // namespace

std::optional<std::string> ParseGlusterHealXml(std::string_view text,
                                               std::vector<GlusterBrick>* bricks) {
  if (text.find("<cliOutput") == std::string_view::npos) return "XML without <cliOutput>";
  if (auto ret = TagValue(text, "opRet"); ret && *ret != "0") {
    auto err = TagValue(text, "opErrstr");
    if (!err || err->empty()) err = TagValue(text, "output");
    return "gluster CLI error (opRet " + *ret +
           "): " + (err && !err->empty() ? *err : "no message");
  }
  if (text.find("</cliOutput>") == std::string_view::npos) {
    return "truncated XML (no </cliOutput>)";
  }
  std::size_t pos = 0;
  while (true) {
    pos = text.find("<brick", pos);
    if (pos == std::string_view::npos) break;
    const char next = pos + 6 < text.size() ? text[pos + 6] : '\0';
    if (next != ' ' && next != '>') {  // <bricks>
      pos += 6;
      continue;
    }
    const auto end = text.find("</brick>", pos);
    if (end == std::string_view::npos) return "truncated XML (a <brick> does not close)";
    const std::string_view block = text.substr(pos, end - pos);
    GlusterBrick b;
    b.name = TagValue(block, "name").value_or("");
    if (b.name.empty()) return "a <brick> without <name>";
    b.status = TagValue(block, "status").value_or("");
    bool bad = false;
    b.total = Count(block, "totalNumberOfEntries", &bad);
    if (!b.total) b.total = Count(block, "numberOfEntries", &bad);  // heal info --xml
    b.heal_pending = Count(block, "numberOfEntriesInHealPending", &bad);
    b.split_brain = Count(block, "numberOfEntriesInSplitBrain", &bad);
    b.possibly_healing = Count(block, "numberOfEntriesPossiblyHealing", &bad);
    if (bad) return "brick " + b.name + ": a count is not a number";
    bricks->push_back(std::move(b));
    pos = end + 8;
  }
  if (bricks->empty()) return "no <brick> in heal info XML";
  return std::nullopt;
}

}  // namespace healbench
