// Small, allocation-light text helpers shared by the probe parsers: lines, trimming,
// overflow-checked numbers, binary detection, and lenient JSON extraction (leading log
// lines, trailing stderr, bare nan/inf) for CLIs that mix them into their output.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace healbench::probe_text {

// Inputs larger than this are refused as "not status output" (real ones are kilobytes).
constexpr std::size_t kMaxInputBytes = 16u << 20;

// U+00A0 (no-break space, from mail clients) and tabs become spaces; CR is dropped.
std::string Normalize(std::string_view text);

std::vector<std::string_view> SplitLines(std::string_view text);
std::string_view Trim(std::string_view s);
std::vector<std::string_view> SplitWords(std::string_view s);

// Digits only (surrounding blanks allowed), no sign, no overflow.
std::optional<std::uint64_t> ParseU64(std::string_view s);
// A non-negative decimal such as "23.53" or "100".
std::optional<double> ParseDecimal(std::string_view s);

// Why the input is not worth parsing ("empty output", "binary output (NUL bytes)", "output
// too large"), or nullopt when it is plausible text.
std::optional<std::string> RejectInput(std::string_view text);

// The first JSON object or array that starts a line, parsed leniently: text before it
// (log lines) and after it (stderr) is ignored, and bare nan / -nan / inf outside strings
// become null. On failure returns nullopt and says why in `why`.
std::optional<nlohmann::json> ExtractJson(std::string_view text, std::string* why);

// Replace bare nan, -nan, inf, -inf, infinity (any case) outside strings with null.
std::string ReplaceNonFiniteTokens(std::string_view json_text);

// A non-negative integer from a JSON number (floats floored) or numeric string.
std::optional<std::uint64_t> JsonU64(const nlohmann::json& j, std::string_view key);
std::optional<double> JsonDouble(const nlohmann::json& j, std::string_view key);
std::string JsonString(const nlohmann::json& j, std::string_view key);
std::optional<bool> JsonBool(const nlohmann::json& j, std::string_view key);

// `s` cut to at most `max_bytes` (at least 4), ending in "..." when cut, never inside a UTF-8
// sequence: for names and lines copied from a tool's output into a message.
std::string Clip(std::string_view s, std::size_t max_bytes);

// "a; b; c" with at most `max_items` items, each clipped to kMaxJoinItemBytes, and
// "; +N more": six items and a sentence around them stay within a sample's detail.
constexpr std::size_t kMaxJoinItemBytes = 120;
std::string JoinLimited(const std::vector<std::string>& items, std::size_t max_items = 4);

}  // namespace healbench::probe_text
