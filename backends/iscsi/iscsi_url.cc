// Parsing of iscsi:// URLs: scheme, portal (host and optional port), target IQN, LUN.
#include "backends/iscsi/iscsi_url.h"

#include <charconv>

#include "backends/backend_option_text.h"

namespace healbench {
namespace {

constexpr const char* kScheme = "iscsi://";
constexpr const char* kForm = "expected iscsi://HOST[:PORT]/TARGET-IQN/LUN";

Error Bad(const std::string& url, const std::string& why) {
  return MakeError(ErrorCode::kBadInput, "backend.url \"" + url + "\" " + why + ": " + kForm);
}

// A whole decimal number in [lo, hi], or -1 when the text is not one.
long ParseNumber(const std::string& text, long lo, long hi) {
  long v = -1;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end || v < lo || v > hi) return -1;
  return v;
}

}  // namespace

Result<IscsiTarget> ParseIscsiUrl(const std::string& url) {
  const std::string scheme = kScheme;
  if (url.rfind(scheme, 0) != 0) return Bad(url, "is not an iSCSI URL");
  const std::string rest = url.substr(scheme.size());
  const std::size_t slash = rest.find('/');
  if (slash == std::string::npos) return Bad(url, "names no target");
  std::string authority = rest.substr(0, slash);
  if (authority.find('@') != std::string::npos) {
    return MakeError(ErrorCode::kNotSupported,
                     "backend.url \"" + url + "\": CHAP credentials (USER%PASSWORD@) are not " +
                         "supported by healbench's iscsi backend");
  }
  std::string host = authority;
  std::string port = std::to_string(kIscsiDefaultPort);
  const std::size_t close = authority.rfind(']');
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string::npos && (close == std::string::npos || colon > close)) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (ParseNumber(port, 1, 65535) < 0) return Bad(url, "has port \"" + port + "\"");
  }
  if (host.empty() || host == "[]") return Bad(url, "names no host");
  const std::string path = rest.substr(slash + 1);
  const std::size_t lun_slash = path.rfind('/');
  if (lun_slash == std::string::npos || lun_slash == 0) {
    return Bad(url, path.empty() ? "names no target" : "names no LUN");
  }
  const std::string lun = path.substr(lun_slash + 1);
  const long lun_number = ParseNumber(lun, 0, 16383);
  if (lun_number < 0) return Bad(url, "has LUN \"" + lun + "\" (a number 0..16383)");
  IscsiTarget t;
  t.url = url;
  t.portal = host + ":" + port;
  t.iqn = path.substr(0, lun_slash);
  t.lun = static_cast<int>(lun_number);
  return t;
}

Result<IscsiTarget> IscsiTargetFromOptions(const std::map<std::string, std::string>& options) {
  auto it = options.find("url");
  if (it == options.end()) {
    return MakeError(ErrorCode::kBadInput,
                     std::string("backend.url is required for kind = \"iscsi\": ") + kForm);
  }
  return ParseIscsiUrl(UnquoteToml(it->second));
}

}  // namespace healbench
