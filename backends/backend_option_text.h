// Reading the [backend] keys a scenario keeps as TOML text (see ScenarioBackend::options): a
// string's value without its quotes, and the one message shape every backend's key errors
// take. Header-only: the optional backend libraries link below healbench_backends.
#pragma once

#include <string>

#include "harness/core/result.h"

namespace healbench {

// A TOML basic ("...") or literal ('...') string's text; anything else as it is.
inline std::string UnquoteToml(const std::string& text) {
  if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'') {
    return text.substr(1, text.size() - 2);
  }
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return text;
  std::string out;
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    if (text[i] == '\\' && i + 2 < text.size()) ++i;
    out += text[i];
  }
  return out;
}

// `backend.KEY = VALUE (kind = "KIND"): expected WANT`, bad input (exit 2).
inline Error BadBackendKey(const std::string& kind, const std::string& key,
                           const std::string& value, const std::string& want) {
  return MakeError(ErrorCode::kBadInput, "backend." + key + " = " + value + " (kind = \"" + kind +
                                             "\"): expected " + want);
}

}  // namespace healbench
