// The gfapi backend's settings, read from the scenario's [backend] keys (kept as TOML text by
// the scenario loader) and checked before anything connects: which volume, which glusterd to
// fetch its layout from, where in the volume the images live, and where gfapi logs.
#pragma once

#include <map>
#include <string>

#include "harness/core/result.h"

namespace healbench {

struct GfapiOptions {
  std::string volume;     // backend.volume (required)
  std::string server;     // backend.server: glusterd's host (default: this host's name)
  int port = 24007;       // backend.port: glusterd's port
  std::string dir = "/";  // backend.path: directory inside the volume, created if missing
  std::string logfile;    // backend.logfile (default: /tmp/healbench-gfapi-VOLUME-PID.log)
  int loglevel = 7;       // backend.loglevel as gfapi's number (default "info" = 7)
  std::string loglevel_name = "info";
  // workload.overwrite / --force: use an existing image file healbench did not create.
  bool overwrite = false;
};

// Reads volume, server, port, logfile and loglevel from `options` and the image directory
// from `path`. Missing volume, a port out of range, a relative or `..` path or an unknown
// log level are kBadInput errors naming the key and the value, e.g.
//   backend.loglevel = "loud" (kind = "gfapi"): expected one of none, critical, error,
//   warning, info, debug, trace
Result<GfapiOptions> ParseGfapiOptions(const std::string& path,
                                       const std::map<std::string, std::string>& options);

}  // namespace healbench
