// Parser for /proc/mdstat (+ sysfs sync_action / sync_completed): one block per array, an
// "[n/m] [UU_]" member line and an optional progress line ("recovery = 12.6% (a/b)" in 1K
// blocks, or "resync=DELAYED"). Tolerates mail-wrapped lines, NBSP and tab indentation.
#include "harness/probes/md_status.h"

#include <cstdio>
#include <limits>

#include "harness/probes/probe_text.h"

namespace healbench {

namespace {

using probe_text::ParseU64;
using probe_text::Trim;

struct Member {
  std::string name;
  bool failed_or_spare = false;
};

struct Array {
  std::string name, level;
  bool active = false;
  std::vector<Member> members;
  std::optional<std::uint64_t> raid_disks, working;
  std::string status;  // "UU_"
  std::string action;  // resync, recovery, check, repair, reshape
  double percent = 0;
  std::optional<std::uint64_t> done_kib, total_kib;
  bool delayed = false;  // resync=DELAYED / PENDING
};

constexpr std::string_view kActions[] = {"recovery", "resync", "check", "repair", "reshape"};

// "[6/5]" → (6, 5).
bool ParseCounts(std::string_view w, Array* a) {
  if (w.size() < 5 || w.front() != '[' || w.back() != ']') return false;
  const auto slash = w.find('/');
  if (slash == std::string_view::npos) return false;
  const auto n = ParseU64(w.substr(1, slash - 1));
  const auto m = ParseU64(w.substr(slash + 1, w.size() - slash - 2));
  if (!n || !m) return false;
  a->raid_disks = n;
  a->working = m;
  return true;
}

// "[UU_]" → "UU_".
bool ParseStatus(std::string_view w, Array* a) {
  if (w.size() < 3 || w.front() != '[' || w.back() != ']') return false;
  const std::string_view inner = w.substr(1, w.size() - 2);
  if (inner.find_first_not_of("U_") != std::string_view::npos) return false;
  a->status = std::string(inner);
  return true;
}

// "[==>...]  recovery = 12.6% (37043392/292945152) finish=..." or "resync=DELAYED".
void ParseProgress(std::string_view line, Array* a) {
  for (std::string_view action : kActions) {
    std::size_t pos = line.find(action);
    if (pos == std::string_view::npos) continue;
    std::size_t i = pos + action.size();
    while (i < line.size() && line[i] == ' ') ++i;
    if (i >= line.size() || line[i] != '=') continue;
    ++i;
    while (i < line.size() && line[i] == ' ') ++i;
    const std::string_view rest = line.substr(i);
    a->action = std::string(action);
    if (rest.starts_with("DELAYED") || rest.starts_with("PENDING")) {
      a->delayed = true;
      return;
    }
    const auto pct = rest.find('%');
    if (pct != std::string_view::npos) {
      a->percent = probe_text::ParseDecimal(rest.substr(0, pct)).value_or(0);
    }
    const auto open = rest.find('(');
    const auto close = rest.find(')', open == std::string_view::npos ? 0 : open);
    if (open == std::string_view::npos || close == std::string_view::npos) return;
    const std::string_view frac = rest.substr(open + 1, close - open - 1);
    const auto slash = frac.find('/');
    if (slash == std::string_view::npos) return;
    a->done_kib = ParseU64(frac.substr(0, slash));
    a->total_kib = ParseU64(frac.substr(slash + 1));
    return;
  }
}

Member ParseMember(std::string_view w) {
  Member m;
  m.name = std::string(w.substr(0, w.find('[')));
  m.failed_or_spare =
      w.find("(F)") != std::string_view::npos || w.find("(S)") != std::string_view::npos;
  return m;
}

bool Redundant(const std::string& level) {
  return level == "raid1" || level == "raid4" || level == "raid5" || level == "raid6" ||
         level == "raid10";
}

std::string Pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", v);
  return buf;
}

}  // namespace

SyncSample ParseMdstat(std::string_view text, const MdOptions& options) {
  if (auto reject = probe_text::RejectInput(text)) return UnknownSample(*reject);
  const std::string norm = probe_text::Normalize(text);
  std::vector<Array> arrays;
  bool mdstat_lines = false;
  for (std::string_view raw : probe_text::SplitLines(norm)) {
    const std::string_view line = Trim(raw);
    if (line.empty()) continue;
    if (line.starts_with("Personalities") || line.starts_with("unused devices")) {
      mdstat_lines = true;
      continue;
    }
    const auto words = probe_text::SplitWords(line);
    if (words.size() >= 3 && words[0].starts_with("md") && words[1] == ":" &&
        (words[2] == "active" || words[2] == "inactive")) {
      Array a;
      a.name = std::string(words[0]);
      a.active = words[2] == "active";
      for (std::size_t i = 3; i < words.size(); ++i) {
        if (words[i].starts_with("(")) continue;  // (auto-read-only), (read-only)
        if (a.active && a.level.empty() && words[i].find('[') == std::string_view::npos) {
          a.level = std::string(words[i]);
        } else {
          a.members.push_back(ParseMember(words[i]));
        }
      }
      if (a.active && a.level.empty()) {
        return UnknownSample(a.name + ": no RAID level (truncated output?)");
      }
      arrays.push_back(std::move(a));
      continue;
    }
    if (arrays.empty()) continue;
    Array& a = arrays.back();
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
      if (ParseCounts(words[i], &a)) ParseStatus(words[i + 1], &a);
    }
    ParseProgress(line, &a);
  }
  if (arrays.empty()) {
    return UnknownSample(mdstat_lines ? "no md arrays in /proc/mdstat"
                                      : "not /proc/mdstat output (no \"mdN : active\" line)");
  }

  SyncSample s;
  s.state = SyncState::kInSync;
  std::vector<std::string> notes;
  std::uint64_t oos = 0;
  bool oos_known = true, any_running = false, any_waiting = false, selected = false;
  for (const Array& a : arrays) {
    if (!options.array.empty() && a.name != options.array) continue;
    selected = true;
    SyncState st = SyncState::kInSync;
    std::string note = a.name;
    std::optional<std::uint64_t> bytes;
    bool waiting = a.delayed;
    std::string action = a.action;
    if (a.name == options.array) {
      const std::string_view sa = Trim(options.sync_action);
      const std::string_view sc = Trim(options.sync_completed);
      if (sa == "frozen" || sc == "delayed") waiting = true;
      if (action.empty() && (sa == "recover" || sa == "resync" || sa == "repair")) {
        action = sa == "recover" ? "recovery" : std::string(sa);
      }
      if (const auto slash = sc.find('/'); slash != std::string_view::npos) {
        const auto done = ParseU64(sc.substr(0, slash));
        const auto total = ParseU64(sc.substr(slash + 1));
        if (done && total && *total >= *done) bytes = (*total - *done) * 512;
      }
    }
    const bool redundant = Redundant(a.level) || a.raid_disks.has_value();
    const bool syncing = action == "recovery" || action == "resync" || action == "repair";
    if (!a.active) {
      st = SyncState::kDegraded;
      note += " inactive";
    } else if (!redundant) {
      note += " " + a.level + " (no redundancy)";
    } else if (!a.raid_disks || a.status.empty()) {
      return UnknownSample(a.name + ": no [n/m] [UU] line (truncated output?)");
    } else {
      note += " " + a.level + " [" + std::to_string(*a.raid_disks) + "/" +
              std::to_string(*a.working) + "] [" + a.status + "]";
      const bool missing = *a.working < *a.raid_disks || a.status.find('_') != std::string::npos;
      if (syncing && !a.delayed) {
        st = SyncState::kHealing;
        any_running = true;
        note += " " + action + " " + Pct(a.percent);
        if (!bytes && a.done_kib && a.total_kib && *a.total_kib >= *a.done_kib) {
          bytes = (*a.total_kib - *a.done_kib) * 1024;
        }
      } else if (waiting) {
        st = SyncState::kHealing;
        any_waiting = true;
        note += " " + (action.empty() ? std::string("resync") : action) + " waiting";
      } else if (missing) {
        st = SyncState::kDegraded;
        note += " member missing, no rebuild running";
      } else if (!action.empty()) {
        note += " " + action + " " + Pct(a.percent);  // check or reshape: copies agree
      }
    }
    if (st != SyncState::kInSync) {
      if (bytes) {
        oos = oos > std::numeric_limits<std::uint64_t>::max() - *bytes
                  ? std::numeric_limits<std::uint64_t>::max()
                  : oos + *bytes;
      } else {
        oos_known = false;
      }
    }
    s.state = WorseState(s.state, st);
    notes.push_back(std::move(note));
    for (const Member& m : a.members) {
      const bool safe = m.failed_or_spare || (st == SyncState::kInSync && redundant && a.active);
      auto [it, inserted] = s.safe_to_stop.emplace(m.name, safe);
      if (!inserted) it->second = it->second && safe;
    }
  }
  if (!selected) return UnknownSample(options.array + " not in /proc/mdstat");
  if (oos_known) s.out_of_sync_bytes = oos;
  s.heal_waiting = s.state == SyncState::kHealing && any_waiting && !any_running;
  s.detail = probe_text::JoinLimited(notes, 6);
  return s;
}

}  // namespace healbench
