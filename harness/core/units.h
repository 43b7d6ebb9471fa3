// Sizes and durations as people write them ("4k", "100GiB", "500ms", "1m30s") and as
// healbench prints them. Scenario keys, CLI options and reports all go through here, so a
// value healbench prints can be read back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "harness/core/clock.h"
#include "harness/core/result.h"

namespace healbench {

// Bytes from "4096", "4k", "4K", "4KiB", "4kb", "1.5GiB", "512B". Every unit is binary, as
// in fio and dd: k = K = KB = KiB = 1024, then M, G, T, P (case-insensitive, optional "B"
// or "iB"). A fraction is allowed when the result is a whole number of bytes ("1.5k" =
// 1536; "0.3k" is an error). Negative, empty, unknown units and values above 2^64-1 fail
// with kBadInput, e.g.
//   invalid size "12x": expected a number with an optional unit (k, M, G, T; 1k = 1024 bytes)
Result<std::uint64_t> ParseSize(std::string_view text);

// Nanoseconds from "250ns", "100us", "500ms", "30s", "1.5s", "5m", "1h", or a sum of such
// parts ("1m30s", "2m05s"). A bare number is seconds ("60" = 60s). The result must be a
// whole number of nanoseconds and at most ~292 years (int64); negative, empty and unknown
// units fail with kBadInput, e.g.
//   invalid duration "5x": expected a number with a unit (ns, us, ms, s, m, h; a bare number is
//   seconds)
Result<Nanos> ParseDuration(std::string_view text);

// For people: "512 B", "4.0 KiB", "1.5 GiB" (binary units, one decimal).
std::string FormatBytes(std::uint64_t bytes);

// For people: "250 ns", "850 us", "12.3 ms", "1.50 s" (three significant digits), then
// "2m05s" below an hour and "1h02m" above.
std::string FormatDuration(Nanos ns);

// Exact and readable back by ParseSize: the largest binary unit that divides the value,
// e.g. "1GiB", "4KiB", "1536KiB", "512B", "0B".
std::string FormatSizeExact(std::uint64_t bytes);

// Exact and readable back by ParseDuration: the largest unit that divides the value,
// e.g. "1m" (for 60s), "90s", "500ms", "250ns", "0s". Meant for non-negative values; a
// negative one is written with a leading '-', which ParseDuration refuses.
std::string FormatDurationExact(Nanos ns);

}  // namespace healbench
