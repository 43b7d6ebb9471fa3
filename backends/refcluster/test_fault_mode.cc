// Parsing of test fault mode texts; every error quotes the text and lists the valid forms.
#include "backends/refcluster/test_fault_mode.h"

#include <charconv>

namespace healbench::ref {
namespace {

constexpr const char* kForms =
    "expected \"ack-drop:every=N\", \"diverge:every=N\" (N >= 1) or \"stale-after-heal\"";

Error BadMode(const std::string& text, const std::string& why) {
  return MakeError(ErrorCode::kBadInput, "test fault \"" + text + "\": " + why + "; " + kForms);
}

}  // namespace

Result<TestFaultMode> ParseTestFaultMode(const std::string& text) {
  if (text == "stale-after-heal") return TestFaultMode{TestFaultKind::kStaleAfterHeal, 0};
  const std::size_t colon = text.find(':');
  const std::string name = text.substr(0, colon);
  TestFaultMode mode;
  if (name == "ack-drop") {
    mode.kind = TestFaultKind::kAckDrop;
  } else if (name == "diverge") {
    mode.kind = TestFaultKind::kDiverge;
  } else {
    return BadMode(text, "unknown mode \"" + name + "\"");
  }
  const std::string param = colon == std::string::npos ? "" : text.substr(colon + 1);
  const std::string prefix = "every=";
  if (param.rfind(prefix, 0) != 0) return BadMode(text, "missing every=N");
  const std::string digits = param.substr(prefix.size());
  const char* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(digits.data(), end, mode.every);
  if (digits.empty() || ec != std::errc() || ptr != end || mode.every == 0) {
    return BadMode(text, "N must be a whole number from 1 to 4294967295, not \"" + digits + "\"");
  }
  return mode;
}

std::string TestFaultModeText(const TestFaultMode& mode) {
  switch (mode.kind) {
    case TestFaultKind::kAckDrop:
      return "ack-drop:every=" + std::to_string(mode.every);
    case TestFaultKind::kDiverge:
      return "diverge:every=" + std::to_string(mode.every);
    case TestFaultKind::kStaleAfterHeal:
      return "stale-after-heal";
  }
  return "?";
}

}  // namespace healbench::ref
