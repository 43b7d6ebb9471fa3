// Golden-file matching for the report writers' tests. A golden file is the expected text,
// where "..." stands for output that varies between runs (hosts, timestamps, versions):
// "..." inside a line matches any text within that line, and a line that is only "..."
// (leading blanks allowed) matches any number of whole lines, including none.
// HEALBENCH_UPDATE_GOLDEN=1 rewrites the golden files from the current output.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace healbench::golden {

inline constexpr std::string_view kEllipsis = "...";

// Lines without their '\n'; a final newline does not start another (empty) line.
inline std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto nl = text.find('\n');
    if (nl == std::string_view::npos) {
      lines.push_back(text);
      break;
    }
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  return lines;
}

inline bool IsEllipsisLine(std::string_view line) {
  auto first = line.find_first_not_of(" \t");
  return first != std::string_view::npos && line.substr(first) == kEllipsis;
}

// One line against one pattern line; "..." in the pattern matches any run of characters.
inline bool LineMatches(std::string_view pattern, std::string_view line) {
  std::vector<std::string_view> parts;
  for (;;) {
    auto at = pattern.find(kEllipsis);
    if (at == std::string_view::npos) {
      parts.push_back(pattern);
      break;
    }
    parts.push_back(pattern.substr(0, at));
    pattern.remove_prefix(at + kEllipsis.size());
  }
  if (parts.size() == 1) return parts[0] == line;
  // Prefix and suffix are anchored; the middle parts are found left to right, which is
  // enough because each wildcard may absorb anything.
  const std::string_view head = parts.front(), tail = parts.back();
  if (line.size() < head.size() + tail.size()) return false;
  if (line.substr(0, head.size()) != head) return false;
  if (line.substr(line.size() - tail.size()) != tail) return false;
  std::string_view middle = line.substr(head.size(), line.size() - head.size() - tail.size());
  for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
    auto at = middle.find(parts[i]);
    if (at == std::string_view::npos) return false;
    middle.remove_prefix(at + parts[i].size());
  }
  return true;
}

// Empty when actual matches golden; otherwise says where it first went wrong.
inline std::string Mismatch(std::string_view golden, std::string_view actual) {
  const auto g = SplitLines(golden), a = SplitLines(actual);
  const std::size_t gn = g.size(), an = a.size();
  // memo[gi * (an + 1) + ai]: 0 unknown, 1 matches, 2 fails. Tracks the deepest failure.
  std::vector<char> memo((gn + 1) * (an + 1), 0);
  std::size_t worst_g = 0, worst_a = 0;
  auto match = [&](auto&& self, std::size_t gi, std::size_t ai) -> bool {
    char& m = memo[gi * (an + 1) + ai];
    if (m != 0) return m == 1;
    bool ok;
    if (gi == gn) {
      ok = ai == an;
    } else if (IsEllipsisLine(g[gi])) {
      ok = false;
      for (std::size_t k = ai; k <= an && !ok; ++k) ok = self(self, gi + 1, k);
    } else {
      ok = ai < an && LineMatches(g[gi], a[ai]) && self(self, gi + 1, ai + 1);
    }
    if (!ok && (ai > worst_a || (ai == worst_a && gi > worst_g))) {
      worst_a = ai;
      worst_g = gi;
    }
    m = ok ? 1 : 2;
    return ok;
  };
  if (match(match, 0, 0)) return "";
  std::ostringstream why;
  why << "golden line " << worst_g + 1 << ": "
      << (worst_g < gn ? "\"" + std::string(g[worst_g]) + "\"" : std::string("<end>"))
      << "\nactual line " << worst_a + 1 << ": "
      << (worst_a < an ? "\"" + std::string(a[worst_a]) + "\"" : std::string("<end>"));
  return why.str();
}

// Replaces the value of each string member `"KEY": "VALUE"` named in keys by "...", for
// writing golden files of JSON whose values vary from run to run.
inline std::string MaskJsonStrings(const std::string& text, const std::vector<std::string>& keys) {
  std::string out = text;
  for (const std::string& key : keys) {
    const std::string needle = "\"" + key + "\": \"";
    for (std::size_t at = out.find(needle); at != std::string::npos;
         at = out.find(needle, at + 1)) {
      std::size_t begin = at + needle.size(), end = begin;
      while (end < out.size() && out[end] != '"') end += out[end] == '\\' ? 2 : 1;
      out.replace(begin, end - begin, kEllipsis);
    }
  }
  return out;
}

inline std::string GoldenPath(const std::string& name) {
  return std::string(HEALBENCH_SOURCE_DIR) + "/tests/unit/reports/golden/" + name + ".golden";
}

inline bool UpdateRequested() {
  const char* v = std::getenv("HEALBENCH_UPDATE_GOLDEN");
  return v != nullptr && std::string_view(v) == "1";
}

// Compares actual with golden/NAME.golden; with HEALBENCH_UPDATE_GOLDEN=1 writes it instead
// (after masking the JSON string members in masked_keys).
inline ::testing::AssertionResult MatchesGoldenFile(
    const std::string& name, const std::string& actual,
    const std::vector<std::string>& masked_keys = {}) {
  const std::string path = GoldenPath(name);
  if (UpdateRequested()) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << MaskJsonStrings(actual, masked_keys);
    if (!out) return ::testing::AssertionFailure() << "cannot write " << path;
    return ::testing::AssertionSuccess() << "updated " << path;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return ::testing::AssertionFailure()
           << "cannot read " << path << " (run with HEALBENCH_UPDATE_GOLDEN=1 to create it)";
  }
  std::stringstream golden;
  golden << in.rdbuf();
  std::string why = Mismatch(golden.str(), actual);
  if (why.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << path << " does not match:\n"
                                       << why << "\n--- actual output ---\n"
                                       << actual;
}

}  // namespace healbench::golden
