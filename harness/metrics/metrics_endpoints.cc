// Metrics addresses. See metrics_endpoints.h.
#include "harness/metrics/metrics_endpoints.h"

#include <algorithm>
#include <cctype>

namespace healbench {
namespace {

bool IsPort(const std::string& s, bool allow_zero = false) {
  if (s.empty() || s.size() > 5 ||
      !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return false;
  }
  const int port = std::stoi(s);
  return (port > 0 || allow_zero) && port < 65536;
}

}  // namespace

Result<std::string> ExposerBindAddress(const std::string& listen) {
  const std::string port = !listen.empty() && listen[0] == ':' ? listen.substr(1) : listen;
  if (IsPort(port, true)) return "127.0.0.1:" + port;
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || !IsPort(listen.substr(colon + 1), true)) {
    return MakeError(ErrorCode::kBadInput,
                     "--metrics-listen \"" + listen +
                         "\": give a port (9464, loopback) or ADDRESS:PORT (0.0.0.0:9464)");
  }
  return listen;
}

Result<PushTarget> ParsePushgatewayUrl(const std::string& url) {
  std::string scheme = "http://";
  std::string rest = url;
  for (const char* s : {"http://", "https://"}) {
    if (rest.rfind(s, 0) == 0) {
      scheme = s;
      rest = rest.substr(scheme.size());
    }
  }
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  const auto bad = [&](const std::string& why) {
    return MakeError(ErrorCode::kBadInput,
                     "--pushgateway \"" + url + "\": " + why + " (want http://HOST:PORT)");
  };
  if (rest.empty()) return bad("no host");
  if (rest.find('/') != std::string::npos) return bad("a path is not supported");
  const auto colon = rest.rfind(':');
  const bool has_port = colon != std::string::npos && rest.find(']', colon) == std::string::npos;
  if (!has_port) return PushTarget{scheme + rest, "9091"};
  if (!IsPort(rest.substr(colon + 1))) return bad("bad port");
  return PushTarget{scheme + rest.substr(0, colon), rest.substr(colon + 1)};
}

}  // namespace healbench
