// Parser for the `command` probe: user regexes or JSON pointers → sync sample. Never
// throws: bad patterns, bad pointers and regex engine limits become `unknown`.
#include "harness/probes/command_output.h"

#include <optional>
#include <regex>

#include "harness/probes/probe_text.h"

namespace healbench {

namespace {

using nlohmann::json;

std::optional<std::regex> Compile(const std::string& pattern, const char* what,
                                  std::string* error) {
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    *error = std::string("bad ") + what + " \"" + pattern + "\": " + e.what();
    return std::nullopt;
  }
}

// A pending amount from text such as "42", "42.0" (floored) or " 7 ".
std::optional<std::uint64_t> Amount(std::string_view s) {
  if (auto n = probe_text::ParseU64(s)) return n;
  if (auto d = probe_text::ParseDecimal(s); d && *d < 1.8e19) {
    return static_cast<std::uint64_t>(*d);
  }
  return std::nullopt;
}

void SetPending(SyncSample* s, std::uint64_t amount, bool bytes) {
  if (bytes) {
    s->out_of_sync_bytes = amount;
  } else {
    s->pending_entries = amount;
  }
  s->state = amount > 0 ? SyncState::kHealing : SyncState::kInSync;
  s->detail = std::to_string(amount) + (bytes ? " bytes" : " entries") + " pending";
}

const json* At(const json& root, const std::string& pointer, std::string* error) {
  try {
    const json::json_pointer p(pointer);
    if (!root.contains(p)) return nullptr;
    return &root.at(p);
  } catch (const std::exception& e) {
    *error = "bad JSON pointer \"" + pointer + "\": " + e.what();
    return nullptr;
  }
}

SyncSample FromJson(std::string_view text, const CommandProbeOptions& o) {
  std::string why;
  const auto root = probe_text::ExtractJson(text, &why);
  if (!root) return UnknownSample("command output: " + why);
  SyncSample s;
  std::string error;
  if (!o.pending_pointer.empty()) {
    if (const json* v = At(*root, o.pending_pointer, &error)) {
      std::optional<std::uint64_t> amount;
      if (v->is_number_unsigned()) {
        amount = v->get<std::uint64_t>();
      } else if (v->is_number_integer() && v->get<std::int64_t>() >= 0) {
        amount = static_cast<std::uint64_t>(v->get<std::int64_t>());
      } else if (v->is_number_float() && v->get<double>() >= 0 && v->get<double>() < 1.8e19) {
        amount = static_cast<std::uint64_t>(v->get<double>());
      } else if (v->is_string()) {
        amount = Amount(v->get<std::string>());
      }
      if (!amount) return UnknownSample(o.pending_pointer + " is not a non-negative number");
      SetPending(&s, *amount, o.pending_is_bytes);
      if (*amount > 0) return s;
    } else if (!error.empty()) {
      return UnknownSample(error);
    }
  }
  if (!o.in_sync_pointer.empty()) {
    if (const json* v = At(*root, o.in_sync_pointer, &error)) {
      std::optional<bool> in_sync;
      if (v->is_boolean()) in_sync = v->get<bool>();
      if (v->is_number()) in_sync = v->get<double>() != 0;
      if (!in_sync) return UnknownSample(o.in_sync_pointer + " is not a bool");
      s.state = *in_sync ? SyncState::kInSync : SyncState::kDegraded;
      s.detail = o.in_sync_pointer + (*in_sync ? " is true" : " is false");
      return s;
    }
    if (!error.empty()) return UnknownSample(error);
  }
  if (s.state != SyncState::kUnknown) return s;  // pending 0, no in-sync pointer
  return UnknownSample(
      "command output has none of " +
      (o.pending_pointer.empty()
           ? o.in_sync_pointer
           : o.pending_pointer + (o.in_sync_pointer.empty() ? "" : ", " + o.in_sync_pointer)));
}

SyncSample FromRegex(std::string_view text, const CommandProbeOptions& o) {
  std::string error;
  const std::string input(text.substr(0, kMaxCommandRegexInput));
  try {
    if (!o.degraded_regex.empty()) {
      const auto re = Compile(o.degraded_regex, "degraded_regex", &error);
      if (!re) return UnknownSample(error);
      std::smatch m;
      if (std::regex_search(input, m, *re)) {
        SyncSample s;
        s.state = SyncState::kDegraded;
        s.detail = "degraded_regex matched \"" + m.str(0).substr(0, 80) + "\"";
        return s;
      }
    }
    if (!o.pending_regex.empty()) {
      const auto re = Compile(o.pending_regex, "pending_regex", &error);
      if (!re) return UnknownSample(error);
      std::smatch m;
      if (std::regex_search(input, m, *re)) {
        if (m.size() < 2 || !m[1].matched) {
          return UnknownSample("pending_regex has no first capture group");
        }
        const auto amount = Amount(m.str(1));
        if (!amount) return UnknownSample("pending amount \"" + m.str(1) + "\" is not a number");
        SyncSample s;
        SetPending(&s, *amount, o.pending_is_bytes);
        return s;
      }
    }
    if (!o.in_sync_regex.empty()) {
      const auto re = Compile(o.in_sync_regex, "in_sync_regex", &error);
      if (!re) return UnknownSample(error);
      if (std::regex_search(input, *re)) {
        SyncSample s;
        s.state = SyncState::kInSync;
        s.detail = "in_sync_regex matched";
        return s;
      }
    }
  } catch (const std::regex_error& e) {
    return UnknownSample(std::string("regex search failed: ") + e.what());
  }
  SyncSample s = UnknownSample("no pattern matched the output");
  if (o.no_match_is_degraded) s.state = SyncState::kDegraded;
  return s;
}

}  // namespace

SyncSample ParseCommandOutput(std::string_view text, const CommandProbeOptions& options) {
  if (auto reject = probe_text::RejectInput(text)) return UnknownSample(*reject);
  if (!options.in_sync_pointer.empty() || !options.pending_pointer.empty()) {
    return FromJson(text, options);
  }
  if (options.in_sync_regex.empty() && options.pending_regex.empty() &&
      options.degraded_regex.empty()) {
    return UnknownSample("no in_sync_regex, pending_regex or JSON pointer configured");
  }
  return FromRegex(text, options);
}

std::string ValidateCommandProbeOptions(const CommandProbeOptions& options) {
  std::string error;
  const std::pair<const std::string*, const char*> regexes[] = {
      {&options.in_sync_regex, "in_sync_regex"},
      {&options.degraded_regex, "degraded_regex"},
      {&options.pending_regex, "pending_regex"}};
  for (const auto& [pattern, name] : regexes) {
    if (pattern->empty()) continue;
    const auto re = Compile(*pattern, name, &error);
    if (!re) return error;
    if (pattern == &options.pending_regex && re->mark_count() < 1) {
      return "pending_regex needs a capture group for the amount";
    }
  }
  for (const std::string* p : {&options.in_sync_pointer, &options.pending_pointer}) {
    if (p->empty()) continue;
    try {
      const nlohmann::json::json_pointer ptr(*p);
    } catch (const std::exception& e) {
      return "bad JSON pointer \"" + *p + "\": " + e.what();
    }
  }
  const bool regex = !options.in_sync_regex.empty() || !options.pending_regex.empty() ||
                     !options.degraded_regex.empty();
  const bool pointer = !options.in_sync_pointer.empty() || !options.pending_pointer.empty();
  if (!regex && !pointer)
    return "command probe needs in_sync_regex, pending_regex or a JSON pointer";
  if (regex && pointer) return "command probe takes regexes or JSON pointers, not both";
  return "";
}

}  // namespace healbench
