// Number formatters for the human-readable views; see text_format.h.
#include "reports/text_format.h"

#include <cmath>
#include <cstdio>

namespace healbench::report {
namespace {

// Three significant digits: 2 decimals below 10, 1 below 100, none above.
std::string ThreeDigits(double v, const char* unit) {
  int decimals = v < 9.995 ? 2 : (v < 99.95 ? 1 : 0);
  return FormatFixed(v, decimals) + unit;
}

}  // namespace

std::string FormatFixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, value);
  return buf;
}

std::string FormatDurationNs(std::int64_t ns) {
  if (ns < 0) {
    // Avoid overflow on INT64_MIN by going through double.
    return "-" + FormatDurationS(-static_cast<double>(ns) / 1e9);
  }
  if (ns < 1000) return std::to_string(ns) + "ns";
  return FormatDurationS(static_cast<double>(ns) / 1e9);
}

std::string FormatDurationS(double seconds) {
  if (!std::isfinite(seconds)) return FormatFixed(seconds, 0);
  if (seconds < 0) return "-" + FormatDurationS(-seconds);
  double ns = seconds * 1e9;
  if (ns < 999.5) return FormatFixed(ns, 0) + "ns";
  if (ns < 999.5e3) return ThreeDigits(ns / 1e3, "us");
  if (ns < 999.5e6) return ThreeDigits(ns / 1e6, "ms");
  return ThreeDigits(seconds, "s");
}

std::string FormatBytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + "B";
  double v = static_cast<double>(bytes) / 1024;
  int unit = 0;
  // Move up while the rounded value would print as 1000 or more.
  while (v >= 999.5 && unit + 1 < static_cast<int>(std::size(kUnits))) {
    v /= 1024;
    ++unit;
  }
  return ThreeDigits(v, kUnits[unit]);
}

}  // namespace healbench::report
