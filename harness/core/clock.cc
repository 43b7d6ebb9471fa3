// Wall-clock formatting for result metadata.
#include "harness/core/clock.h"

namespace healbench {

std::string WallClockIso8601() {
  time_t now = time(nullptr);
  tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

}  // namespace healbench
