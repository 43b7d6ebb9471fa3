// The one table of backends: name, what it reaches, whether this build and machine can use
// it (and why not), and how to make one. `healbench backends` prints it; the runner makes
// backends only through it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backends/backend.h"

namespace healbench {

// Backend settings from the scenario's [backend] section, kept generic so backends/ does
// not depend on the scenario loader.
struct BackendConfig {
  std::string kind;
  std::string path;
  bool direct = true;
  std::map<std::string, std::string> options;  // other keys, as their TOML text
  bool overwrite = false;  // workload.overwrite / --force: write over existing contents
};

struct BackendEntry {
  std::string name;
  std::string description;
  // Empty when usable here, else the reason it is not (not built, kernel refuses, …).
  std::function<std::string()> unavailable_reason;
  std::function<Result<std::unique_ptr<Backend>>(const BackendConfig&)> make;
};

const std::vector<BackendEntry>& BackendRegistry();
const BackendEntry* FindBackend(const std::string& name);

}  // namespace healbench
