// The two addresses metrics go to: where the exposer listens (--metrics-listen: a bare
// port or ":PORT" binds loopback, anything else is taken as given) and the Pushgateway
// (--pushgateway URL, split into the scheme+host and port prometheus-cpp's Gateway wants).
#pragma once

#include <string>

#include "harness/core/result.h"

namespace healbench {

// "9464" and ":9464" -> "127.0.0.1:9464"; "0.0.0.0:9464", "[::1]:9464" unchanged. Port 0
// takes a free port (the exposer reports which).
Result<std::string> ExposerBindAddress(const std::string& listen);

struct PushTarget {
  std::string host;  // with scheme: "http://127.0.0.1"
  std::string port;  // "9091" when the URL has none
};

// "http://host:port", "https://host", "host:port" (http assumed); no path.
Result<PushTarget> ParsePushgatewayUrl(const std::string& url);

}  // namespace healbench
