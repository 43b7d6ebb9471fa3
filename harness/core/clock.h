// The one clock every measurement uses: CLOCK_MONOTONIC in nanoseconds, plus wall-clock
// helpers for the context block of results.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>

namespace healbench {

using Nanos = std::int64_t;

constexpr Nanos kNsPerUs = 1000;
constexpr Nanos kNsPerMs = 1000 * kNsPerUs;
constexpr Nanos kNsPerSec = 1000 * kNsPerMs;

inline Nanos MonotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<Nanos>(ts.tv_sec) * kNsPerSec + ts.tv_nsec;
}

inline double NsToSeconds(Nanos ns) { return static_cast<double>(ns) / 1e9; }

// Current UTC time as ISO 8601 with seconds, e.g. "2026-11-26T12:06:12Z".
std::string WallClockIso8601();

}  // namespace healbench
