// Parsing of the gfapi backend's keys: volume, server, port, path, logfile, loglevel. Every
// error names the key, the value and what was expected.
#include "backends/gfapi/gfapi_options.h"

#include <unistd.h>

#include <array>
#include <charconv>
#include <utility>

#include "backends/backend_option_text.h"

namespace healbench {
namespace {

// gfapi's log levels (glusterfs/logging.h: GF_LOG_NONE = 0 … GF_LOG_TRACE = 9); the names
// gluster's own CLI uses for diagnostics.*-log-level.
constexpr std::array<std::pair<const char*, int>, 7> kLogLevels = {{{"none", 0},
                                                                    {"critical", 3},
                                                                    {"error", 4},
                                                                    {"warning", 5},
                                                                    {"info", 7},
                                                                    {"debug", 8},
                                                                    {"trace", 9}}};

Error Bad(const std::string& key, const std::string& value, const std::string& want) {
  return BadBackendKey("gfapi", key, value, want);
}

std::string HostName() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') return "localhost";
  return name.data();
}

// "/a/b" from "a/b/", "/a//b" or "/a/b"; an error for ".." (the images must stay inside).
Result<std::string> NormaliseDir(const std::string& path) {
  std::string out;
  std::size_t at = 0;
  while (at < path.size()) {
    std::size_t slash = path.find('/', at);
    if (slash == std::string::npos) slash = path.size();
    const std::string part = path.substr(at, slash - at);
    if (part == "..") {
      return Bad("path", "\"" + path + "\"",
                 "a directory inside the volume, without \"..\" (e.g. \"/healbench\")");
    }
    if (!part.empty() && part != ".") out += "/" + part;
    at = slash + 1;
  }
  return out.empty() ? "/" : out;
}

}  // namespace

Result<GfapiOptions> ParseGfapiOptions(const std::string& path,
                                       const std::map<std::string, std::string>& options) {
  GfapiOptions o;
  bool logfile_given = false;
  for (const auto& [key, text] : options) {
    const std::string v = UnquoteToml(text);
    if (key == "volume") {
      if (v.empty() || v.find_first_of("/ \t") != std::string::npos) {
        return Bad(key, text, "a volume name such as \"gv0\"");
      }
      o.volume = v;
    } else if (key == "server") {
      if (v.empty()) return Bad(key, text, "glusterd's host name or address");
      o.server = v;
    } else if (key == "port") {
      int port = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), port);
      if (ec != std::errc() || end != v.data() + v.size() || port < 1 || port > 65535) {
        return Bad(key, text, "glusterd's TCP port, 1 to 65535 (default 24007)");
      }
      o.port = port;
    } else if (key == "logfile") {
      if (v.empty()) return Bad(key, text, "a file for gfapi's log");
      o.logfile = v;
      logfile_given = true;
    } else if (key == "loglevel") {
      bool found = false;
      for (const auto& [name, level] : kLogLevels) {
        if (v == name) {
          o.loglevel = level;
          o.loglevel_name = name;
          found = true;
        }
      }
      if (!found) {
        std::string names;
        for (const auto& [name, level] : kLogLevels)
          names += (names.empty() ? "" : ", ") + std::string(name);
        return Bad(key, text, "one of " + names);
      }
    }
    // Keys of other backends never get here: the scenario loader refuses them.
  }
  if (o.volume.empty()) {
    return MakeError(ErrorCode::kBadInput,
                     "backend.volume is required for kind = \"gfapi\": the GlusterFS volume "
                     "to open (e.g. volume = \"gv0\")");
  }
  auto dir = NormaliseDir(path);
  if (!dir.ok()) return dir.error();
  o.dir = *dir;
  if (o.server.empty()) o.server = HostName();
  if (!logfile_given) {
    o.logfile = "/tmp/healbench-gfapi-" + o.volume + "-" + std::to_string(getpid()) + ".log";
  }
  return o;
}

}  // namespace healbench
