// `ceph config show WHO OPTION` → seconds. See ceph_config_show.h.
#include "harness/probes/ceph_config_show.h"

#include <charconv>
#include <string>

namespace healbench {

std::optional<double> ParseCephConfigSeconds(std::string_view text) {
  // The last non-empty line: the CLI may print warnings first.
  std::string_view line;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view l = text.substr(0, nl);
    while (!l.empty() && (l.back() == '\r' || l.back() == ' ' || l.back() == '\t')) {
      l.remove_suffix(1);
    }
    while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
    if (!l.empty()) line = l;
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  if (line.size() >= 2 && line.front() == '"' && line.back() == '"') {
    line = line.substr(1, line.size() - 2);
  }
  if (line.empty()) return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), value);
  if (ec != std::errc() || end != line.data() + line.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace healbench
