// Parsing and printing of sizes and durations. Numbers are parsed as exact decimals (whole
// part and fraction digits as integers), never through floating point, so "1.1s" is exactly
// 1100000000 ns and a fraction that does not land on a whole unit is refused, not rounded.
#include "harness/core/units.h"

#include <array>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <limits>

namespace healbench {
namespace {

constexpr std::string_view kSizeHint =
    "expected a number with an optional unit (k, M, G, T; 1k = 1024 bytes)";
constexpr std::string_view kDurationHint =
    "expected a number with a unit (ns, us, ms, s, m, h; a bare number is seconds)";

// Enough fraction digits for any sensible input; more are refused rather than rounded.
// With at most 19 digits, fraction * multiplier stays far below 2^127.
constexpr int kMaxFractionDigits = 19;

using Wide = unsigned __int128;  // GCC/Clang extension: exact room for fraction * unit

struct Decimal {
  Wide whole = 0;
  Wide fraction = 0;  // the digits after the point, as an integer
  int fraction_digits = 0;
  bool whole_overflow = false;
};

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string LowerString(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads "123", "1.5", ".5" or "5." from the front of `s`. Returns false (consuming
// nothing) when there is no digit, or when the fraction is too long to be exact.
bool ReadDecimal(std::string_view& s, Decimal& out) {
  std::size_t i = 0;
  bool any_digit = false;
  Decimal d;
  while (i < s.size() && IsDigit(s[i])) {
    any_digit = true;
    d.whole = d.whole * 10 + static_cast<unsigned>(s[i] - '0');
    // Saturate: anything above 2^64 is too large for either caller.
    if (d.whole > std::numeric_limits<std::uint64_t>::max()) d.whole_overflow = true;
    if (d.whole_overflow) d.whole = Wide{std::numeric_limits<std::uint64_t>::max()} + 1;
    ++i;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) {
      any_digit = true;
      if (d.fraction_digits == kMaxFractionDigits) {
        if (s[i] != '0') return false;  // trailing zeros are harmless, more precision is not
      } else {
        d.fraction = d.fraction * 10 + static_cast<unsigned>(s[i] - '0');
        ++d.fraction_digits;
      }
      ++i;
    }
  }
  if (!any_digit) return false;
  s.remove_prefix(i);
  out = d;
  return true;
}

Wide Pow10(int n) {
  Wide p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// value * multiplier, exactly; false when the fraction does not give a whole result.
// Saturates at 2^64 when the whole part overflowed, so callers report "too large".
bool Scale(const Decimal& d, std::uint64_t multiplier, Wide& out) {
  const Wide frac_scaled = d.fraction * multiplier;
  const Wide denom = Pow10(d.fraction_digits);
  if (frac_scaled % denom != 0) return false;
  if (d.whole_overflow) {
    out = multiplier == 0 ? 0 : Wide{std::numeric_limits<std::uint64_t>::max()} + 1;
    return true;
  }
  out = d.whole * multiplier + frac_scaled / denom;
  return true;
}

Error BadInput(std::string_view what, std::string_view text, std::string_view detail) {
  std::string msg = "invalid ";
  msg.append(what).append(" \"").append(text).append("\": ").append(detail);
  return MakeError(ErrorCode::kBadInput, std::move(msg));
}

// Multiplier of a size unit (already lower-cased), or 0 when it is not one.
std::uint64_t SizeUnit(std::string_view unit) {
  if (unit.empty() || unit == "b") return 1;
  static constexpr std::array<char, 5> kPrefixes = {'k', 'm', 'g', 't', 'p'};
  for (std::size_t i = 0; i < kPrefixes.size(); ++i) {
    const char p = kPrefixes[i];
    const std::string one(1, p);
    if (unit == one || unit == one + "b" || unit == one + "ib") {
      return std::uint64_t{1} << (10 * (i + 1));
    }
  }
  return 0;
}

// Nanoseconds per duration unit (already lower-cased), or 0 when it is not one.
Nanos DurationUnit(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\xc2\xb5s") return kNsPerUs;  // also "µs"
  if (unit == "ms") return kNsPerMs;
  if (unit == "s") return kNsPerSec;
  if (unit == "m" || unit == "min") return 60 * kNsPerSec;
  if (unit == "h") return 3600 * kNsPerSec;
  return 0;
}

std::string Printf(const char* format, double v) {
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), format, v);
  return buf.data();
}

}  // namespace

Result<std::uint64_t> ParseSize(std::string_view text) {
  std::string_view s = Trim(text);
  if (!s.empty() && s.front() == '-') return BadInput("size", text, "must not be negative");
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  Decimal d;
  if (!ReadDecimal(s, d)) return BadInput("size", text, kSizeHint);
  const std::string unit = LowerString(Trim(s));
  const std::uint64_t multiplier = SizeUnit(unit);
  if (multiplier == 0 && !unit.empty() &&
      std::string_view("ezy").find(unit[0]) != std::string_view::npos &&
      (unit.size() == 1 || unit.substr(1) == "b" || unit.substr(1) == "ib")) {
    // A real unit, only beyond what a 64-bit byte count holds: say so, not "expected a number".
    return BadInput("size", text, "units above P (PiB) are too large (a size is below 16 EiB)");
  }
  if (multiplier == 0) return BadInput("size", text, kSizeHint);
  Wide bytes = 0;
  if (!Scale(d, multiplier, bytes)) {
    return BadInput("size", text, "not a whole number of bytes");
  }
  if (bytes > std::numeric_limits<std::uint64_t>::max()) {
    return BadInput("size", text, "too large (more than 16 EiB)");
  }
  return static_cast<std::uint64_t>(bytes);
}

Result<Nanos> ParseDuration(std::string_view text) {
  std::string_view s = Trim(text);
  if (!s.empty() && s.front() == '-') return BadInput("duration", text, "must not be negative");
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return BadInput("duration", text, kDurationHint);
  constexpr Wide kMax = static_cast<Wide>(std::numeric_limits<Nanos>::max());
  Wide total = 0;
  bool first = true;
  while (!s.empty()) {
    Decimal d;
    if (!ReadDecimal(s, d)) return BadInput("duration", text, kDurationHint);
    while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
    std::size_t n = 0;
    // Unit letters; bytes >= 0x80 belong to "µ".
    while (n < s.size() && (std::isalpha(static_cast<unsigned char>(s[n])) ||
                            static_cast<unsigned char>(s[n]) >= 0x80)) {
      ++n;
    }
    Nanos unit = 0;
    if (n == 0) {
      // A bare number is seconds, but only on its own: "1m30" is a typo, not 1m30s.
      if (!first || !s.empty()) return BadInput("duration", text, kDurationHint);
      unit = kNsPerSec;
    } else {
      unit = DurationUnit(LowerString(s.substr(0, n)));
      if (unit == 0) return BadInput("duration", text, kDurationHint);
      s.remove_prefix(n);
      while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
    }
    Wide part = 0;
    if (!Scale(d, static_cast<std::uint64_t>(unit), part)) {
      return BadInput("duration", text, "not a whole number of nanoseconds");
    }
    total += part;
    if (part > kMax || total > kMax) {
      return BadInput("duration", text, "too large (more than 292 years)");
    }
    first = false;
  }
  return static_cast<Nanos>(total);
}

std::string FormatBytes(std::uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static constexpr std::array<const char*, 6> kUnits = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  std::size_t u = 0;
  double v = static_cast<double>(bytes) / 1024.0;
  // Move up while the printed value would read 1024.0 or more.
  while (v >= 1023.95 && u + 1 < kUnits.size()) {
    v /= 1024.0;
    ++u;
  }
  return Printf("%.1f ", v) + kUnits[u];
}

std::string FormatDuration(Nanos ns) {
  if (ns < 0) {
    if (ns == std::numeric_limits<Nanos>::min()) ns = -std::numeric_limits<Nanos>::max();
    return "-" + FormatDuration(-ns);
  }
  if (ns < 1000) return std::to_string(ns) + " ns";
  struct Scale3 {
    double ns_per_unit;
    const char* name;
    double below;  // the first value that no longer prints in this unit
  };
  static constexpr std::array<Scale3, 3> kScales = {{
      {1e3, "us", 999.5},
      {1e6, "ms", 999.5},
      {1e9, "s", 59.95},
  }};
  for (const Scale3& scale : kScales) {
    const double v = static_cast<double>(ns) / scale.ns_per_unit;
    if (v >= scale.below) continue;
    // Three significant digits: 1.50, 12.3, 850.
    const char* format = v < 9.995 ? "%.2f " : (v < 99.95 ? "%.1f " : "%.0f ");
    return Printf(format, v) + scale.name;
  }
  std::array<char, 64> buf{};
  const std::int64_t seconds = (ns + kNsPerSec / 2) / kNsPerSec;
  if (seconds < 3600) {
    std::snprintf(buf.data(), buf.size(), "%" PRId64 "m%02" PRId64 "s", seconds / 60, seconds % 60);
  } else {
    const std::int64_t minutes = (seconds + 30) / 60;
    std::snprintf(buf.data(), buf.size(), "%" PRId64 "h%02" PRId64 "m", minutes / 60, minutes % 60);
  }
  return buf.data();
}

std::string FormatSizeExact(std::uint64_t bytes) {
  if (bytes == 0) return "0B";
  static constexpr std::array<const char*, 5> kUnits = {"PiB", "TiB", "GiB", "MiB", "KiB"};
  for (std::size_t i = 0; i < kUnits.size(); ++i) {
    const std::uint64_t unit = std::uint64_t{1} << (10 * (kUnits.size() - i));
    if (bytes % unit == 0) return std::to_string(bytes / unit) + kUnits[i];
  }
  return std::to_string(bytes) + "B";
}

std::string FormatDurationExact(Nanos ns) {
  if (ns == 0) return "0s";
  if (ns < 0) {
    if (ns == std::numeric_limits<Nanos>::min()) return "-" + std::to_string(ns).substr(1) + "ns";
    return "-" + FormatDurationExact(-ns);
  }
  struct Unit {
    Nanos ns;
    const char* name;
  };
  static constexpr std::array<Unit, 5> kUnits = {{
      {3600 * kNsPerSec, "h"},
      {60 * kNsPerSec, "m"},
      {kNsPerSec, "s"},
      {kNsPerMs, "ms"},
      {kNsPerUs, "us"},
  }};
  for (const Unit& unit : kUnits) {
    if (ns % unit.ns == 0) return std::to_string(ns / unit.ns) + unit.name;
  }
  return std::to_string(ns) + "ns";
}

}  // namespace healbench
