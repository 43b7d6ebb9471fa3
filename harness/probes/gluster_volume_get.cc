// Parsing of `gluster volume get` text output. See gluster_volume_get.h.
#include "harness/probes/gluster_volume_get.h"

#include <charconv>

namespace healbench {

std::optional<std::string> ParseGlusterVolumeGet(std::string_view text, std::string_view option) {
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t eol = text.find('\n', at);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(at, eol - at);
    at = eol + 1;
    const std::size_t name_end = line.find_first_of(" \t");
    if (name_end == std::string_view::npos || line.substr(0, name_end) != option) continue;
    std::string_view value = line.substr(name_end);
    const std::size_t first = value.find_first_not_of(" \t");
    if (first == std::string_view::npos) return std::string();
    const std::size_t last = value.find_last_not_of(" \t\r");
    return std::string(value.substr(first, last - first + 1));
  }
  return std::nullopt;
}

std::optional<double> GlusterPingTimeoutSeconds(std::string_view volume_get_output) {
  const auto v = ParseGlusterVolumeGet(volume_get_output, "network.ping-timeout");
  if (!v || v->empty()) return std::nullopt;
  long seconds = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), seconds);
  if (ec != std::errc() || end != v->data() + v->size() || seconds < 0) return std::nullopt;
  return static_cast<double>(seconds);
}

}  // namespace healbench
