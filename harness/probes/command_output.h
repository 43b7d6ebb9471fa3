// The `command` probe's parser: a user's status command is read through either regexes
// (in sync / degraded / pending amount) or JSON pointers (in-sync bool, pending number), so
// any storage with a status CLI can be probed without code.
#pragma once

#include <string>
#include <string_view>

#include "harness/probes/sync_sample.h"

namespace healbench {

struct CommandProbeOptions {
  // Regex mode (ECMAScript, searched anywhere in the output):
  std::string in_sync_regex{};   // a match → in_sync
  std::string degraded_regex{};  // a match → degraded (checked first)
  std::string pending_regex{};  // first capture group = pending amount; > 0 → healing, 0 → in_sync
  // JSON mode (used when either pointer is set; RFC 6901, e.g. "/health/in_sync"):
  std::string in_sync_pointer{};  // a bool (or a number, non-zero = true)
  std::string pending_pointer{};  // a non-negative number (or numeric string)
  bool pending_is_bytes = false;  // the amount is bytes (out_of_sync_bytes), not entries
  // Regex mode: output none of the patterns match is degraded instead of unknown. Off by
  // default because a failing CLI ("connection refused") matches nothing either.
  bool no_match_is_degraded = false;
};

// Rules, first that applies: degraded_regex matches → degraded; a pending amount > 0 →
// healing; pending 0, an in_sync match or in-sync true → in_sync; in-sync false →
// degraded; no pattern matched → unknown (degraded with no_match_is_degraded); nothing
// configured or the JSON lacks both pointers → unknown.
// Only the first kMaxCommandRegexInput bytes are searched (std::regex recurses per char).
SyncSample ParseCommandOutput(std::string_view text, const CommandProbeOptions& options);

// "" when the options are usable, else what is wrong ("bad pending_regex: ..."), for
// scenario validation before a run.
std::string ValidateCommandProbeOptions(const CommandProbeOptions& options);

constexpr std::size_t kMaxCommandRegexInput = 16 * 1024;

}  // namespace healbench
