// Run labels. See run_labels.h.
#include "harness/metrics/run_labels.h"

#include <filesystem>

namespace healbench {

std::map<std::string, std::string> RunInfoLabels(const Scenario& scenario,
                                                 const report::Context& context) {
  std::string file = std::filesystem::path(scenario.source).filename().string();
  if (file.size() > 5 && file.ends_with(".toml")) file.resize(file.size() - 5);
  return {{"scenario", file},
          {"backend", context.backend},
          {"seed", std::to_string(context.seed)},
          {"version", context.version}};
}

}  // namespace healbench
