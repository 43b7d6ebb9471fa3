// Parsing of the rbd backend's keys: pool, conf, client, create. Every error names the key,
// the value and what was expected.
#include "backends/rbd/rbd_options.h"

#include <sys/stat.h>

#include "backends/backend_option_text.h"

namespace healbench {
namespace {

Error Bad(const std::string& key, const std::string& value, const std::string& want) {
  return BadBackendKey("rbd", key, value, want);
}

// RADOS pool and client names: printable, no blanks, no '/' or '@' (image specs use them).
bool IsPlainName(const std::string& s) {
  if (s.empty() || s.size() > 255) return false;
  for (const char c : s) {
    if (c <= ' ' || c > '~' || c == '/' || c == '@') return false;
  }
  return true;
}

}  // namespace

Result<RbdOptions> ParseRbdOptions(const std::map<std::string, std::string>& options) {
  RbdOptions o;
  for (const auto& [key, text] : options) {
    const std::string v = UnquoteToml(text);
    if (key == "pool") {
      if (!IsPlainName(v)) return Bad(key, text, "a pool name such as \"rbd\"");
      o.pool = v;
    } else if (key == "conf") {
      struct stat st {};
      if (v.empty() || stat(v.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return Bad(key, text, "the path of an existing ceph.conf");
      }
      o.conf = v;
    } else if (key == "client") {
      std::string id = v.rfind("client.", 0) == 0 ? v.substr(7) : v;
      if (!IsPlainName(id)) return Bad(key, text, "a client id such as \"admin\"");
      o.client = id;
    } else if (key == "create") {
      if (v != "true" && v != "false") return Bad(key, text, "true or false");
      o.create = v == "true";
    } else {
      return MakeError(ErrorCode::kBadInput,
                       "backend." + key +
                           " does not apply to kind = \"rbd\" (its keys: pool, "
                           "conf, client, create)");
    }
  }
  return o;
}

}  // namespace healbench
