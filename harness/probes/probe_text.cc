// Shared text and lenient-JSON helpers for the probe parsers (see probe_text.h).
#include "harness/probes/probe_text.h"

#include <cctype>
#include <cmath>
#include <limits>

namespace healbench::probe_text {

std::string Normalize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r') continue;
    if (c == '\t') {
      out.push_back(' ');
    } else if (c == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0') {
      out.push_back(' ');
      ++i;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::string_view Trim(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> SplitWords(std::string_view s) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) words.push_back(s.substr(start, i - start));
  }
  return words;
}

std::optional<std::uint64_t> ParseU64(std::string_view s) {
  s = Trim(s);
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  return v;
}

std::optional<double> ParseDecimal(std::string_view s) {
  s = Trim(s);
  if (s.empty() || s.size() > 40) return std::nullopt;
  double v = 0;
  double scale = 0;  // 0 until the point, then 0.1, 0.01, ...
  bool digits = false;
  for (const char c : s) {
    if (c == '.' && scale == 0) {
      scale = 0.1;
    } else if (c >= '0' && c <= '9') {
      digits = true;
      if (scale == 0) {
        v = v * 10 + (c - '0');
      } else {
        v += (c - '0') * scale;
        scale /= 10;
      }
    } else {
      return std::nullopt;
    }
  }
  if (!digits) return std::nullopt;
  return v;
}

std::optional<std::string> RejectInput(std::string_view text) {
  if (Trim(text).empty()) return "empty output";
  if (text.size() > kMaxInputBytes)
    return "output too large (" + std::to_string(text.size()) + " bytes)";
  if (text.find('\0') != std::string_view::npos) return "binary output (NUL bytes)";
  return std::nullopt;
}

std::string ReplaceNonFiniteTokens(std::string_view json_text) {
  std::string out;
  out.reserve(json_text.size());
  bool in_string = false;
  std::size_t i = 0;
  while (i < json_text.size()) {
    const char c = json_text[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < json_text.size()) {
        out.push_back(json_text[i + 1]);
        i += 2;
        continue;
      }
      if (c == '"') in_string = false;
      ++i;
      continue;
    }
    if (c == '"') {
      in_string = true;
      out.push_back(c);
      ++i;
      continue;
    }
    const bool alpha = std::isalpha(static_cast<unsigned char>(c)) != 0;
    const bool minus_alpha = c == '-' && i + 1 < json_text.size() &&
                             std::isalpha(static_cast<unsigned char>(json_text[i + 1])) != 0;
    if (!alpha && !minus_alpha) {
      out.push_back(c);
      ++i;
      continue;
    }
    std::size_t end = i + 1;
    while (end < json_text.size() && std::isalpha(static_cast<unsigned char>(json_text[end])) != 0)
      ++end;
    std::string word(json_text.substr(i, end - i));
    for (char& w : word) w = static_cast<char>(std::tolower(static_cast<unsigned char>(w)));
    if (word == "nan" || word == "-nan" || word == "inf" || word == "-inf" || word == "infinity" ||
        word == "-infinity") {
      out += "null";
    } else {
      out.append(json_text.substr(i, end - i));
    }
    i = end;
  }
  return out;
}

namespace {

// Index just past the bracket that closes the value opening at `start`, or npos when the
// text ends first (truncated output).
std::size_t MatchingClose(std::string_view text, std::size_t start) {
  std::vector<char> stack;
  bool in_string = false;
  for (std::size_t i = start; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      stack.push_back(c == '{' ? '}' : ']');
    } else if (c == '}' || c == ']') {
      if (stack.empty() || stack.back() != c) return std::string_view::npos;
      stack.pop_back();
      if (stack.empty()) return i + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::optional<nlohmann::json> ExtractJson(std::string_view text, std::string* why) {
  if (auto reject = RejectInput(text)) {
    *why = *reject;
    return std::nullopt;
  }
  // The value must start a line (after blanks): log lines before it may contain braces.
  std::size_t start = std::string_view::npos;
  std::size_t line = 0;
  while (line < text.size()) {
    std::size_t i = line;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r')) ++i;
    if (i < text.size() && (text[i] == '{' || text[i] == '[')) {
      start = i;
      break;
    }
    const std::size_t nl = text.find('\n', line);
    if (nl == std::string_view::npos) break;
    line = nl + 1;
  }
  if (start == std::string_view::npos) {
    *why = "no JSON in output";
    return std::nullopt;
  }
  const std::size_t end = MatchingClose(text, start);
  if (end == std::string_view::npos) {
    *why = "truncated or malformed JSON (brackets do not close)";
    return std::nullopt;
  }
  const std::string clean = ReplaceNonFiniteTokens(text.substr(start, end - start));
  nlohmann::json j = nlohmann::json::parse(clean, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    *why = "malformed JSON";
    return std::nullopt;
  }
  return j;
}

std::optional<std::uint64_t> JsonU64(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return std::nullopt;
  const auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  if (it->is_number_unsigned()) return it->get<std::uint64_t>();
  if (it->is_number_integer()) {
    const auto v = it->get<std::int64_t>();
    if (v < 0) return std::nullopt;
    return static_cast<std::uint64_t>(v);
  }
  if (it->is_number_float()) {
    const double v = it->get<double>();
    if (!std::isfinite(v) || v < 0 || v >= 1.8e19) return std::nullopt;
    return static_cast<std::uint64_t>(v);
  }
  if (it->is_string()) return ParseU64(it->get_ref<const std::string&>());
  return std::nullopt;
}

std::optional<double> JsonDouble(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return std::nullopt;
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  const double v = it->get<double>();
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

std::string JsonString(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return "";
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::optional<bool> JsonBool(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return std::nullopt;
  const auto it = j.find(key);
  if (it == j.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

std::string Clip(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  std::size_t cut = max_bytes < 4 ? 1 : max_bytes - 3;
  // Back up over UTF-8 continuation bytes (10xxxxxx) so a character is never split.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "...";
}

std::string JoinLimited(const std::vector<std::string>& items, std::size_t max_items) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max_items; ++i) {
    if (i > 0) out += "; ";
    out += Clip(items[i], kMaxJoinItemBytes);
  }
  if (items.size() > max_items) out += "; +" + std::to_string(items.size() - max_items) + " more";
  return out;
}

}  // namespace healbench::probe_text
