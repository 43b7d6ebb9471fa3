// The mark healbench puts on image files it creates, shared by the backends that create
// files (file: on any mounted filesystem; gfapi: inside a GlusterFS volume): an extended
// attribute `user.healbench` whose value names the creating run. A file without it is not
// healbench's, so it is neither overwritten without --force nor ever deleted.
#pragma once

#include <time.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <string_view>

namespace healbench {

inline constexpr char kImageMarkXattr[] = "user.healbench";
// The value starts with a fixed tag, so an unrelated user.healbench attribute someone set by
// hand is not mistaken for the mark.
inline constexpr std::string_view kImageMarkTag = "healbench-image run=";

inline std::string ImageMarkValue(const std::string& run_id) {
  return std::string(kImageMarkTag) + run_id;
}

// The run id a mark's value names; nullopt when the value is not a mark.
inline std::optional<std::string> RunIdFromImageMark(std::string_view value) {
  if (value.substr(0, kImageMarkTag.size()) != kImageMarkTag) return std::nullopt;
  value.remove_prefix(kImageMarkTag.size());
  value = value.substr(0, value.find('\n'));
  if (value.empty()) return std::nullopt;
  return std::string(value);
}

// An id for this process's run: host, pid and start time, unique enough to tell runs apart.
inline std::string NewImageRunId() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return std::string(host[0] != '\0' ? host : "unknown") + ":" + std::to_string(getpid()) + ":" +
         std::to_string(ts.tv_sec) + "." + std::to_string(ts.tv_nsec);
}

}  // namespace healbench
