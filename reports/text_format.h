// Small number formatters for the human-readable views (terminal summary, CSV): durations
// with a unit chosen per value ("850us", "12.3ms", "1.50s"), IEC sizes and fixed decimals.
// They live in reports/ because reports/ may not include harness/.
#pragma once

#include <cstdint>
#include <string>

namespace healbench::report {

// Three significant digits in the largest unit that keeps the value below 1000:
// 850 -> "850ns", 850000 -> "850us", 12'300'000 -> "12.3ms", 1'500'000'000 -> "1.50s".
// Seconds is the largest unit ("3600s"). Negative values get a leading '-'.
std::string FormatDurationNs(std::int64_t ns);
std::string FormatDurationS(double seconds);  // same, from seconds

// IEC units, three significant digits: 512 -> "512B", 1536 -> "1.50KiB", 3 GiB -> "3.00GiB".
std::string FormatBytes(std::uint64_t bytes);

// printf("%.*f"): FormatFixed(2.345, 1) == "2.3". Non-finite values print as "nan"/"inf".
std::string FormatFixed(double value, int decimals);

}  // namespace healbench::report
