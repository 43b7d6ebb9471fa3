// Pre-run checks and resolutions. See run_setup.h.
#include "harness/run/run_setup.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <system_error>

namespace healbench {

Result<WorkloadParams> ResolveWorkload(const WorkloadSection& w) {
  auto base = ProfileDefaults(w.profile);
  if (!base.ok()) return base.error();
  WorkloadParams p = *base;
  if (w.bs) p.bs = *w.bs;
  if (w.read_pct) p.read_pct = *w.read_pct;
  if (w.random_pct) p.random_pct = *w.random_pct;
  if (w.iodepth) p.iodepth = *w.iodepth;
  if (w.rate_iops) p.rate_iops = *w.rate_iops;
  p.spacing = w.spacing;
  if (w.fsync_every) p.fsync_every = *w.fsync_every;
  return p;
}

Result<void> CheckSupported(const Scenario&) {
  // Everything the scenario format names is implemented; backends refuse what they cannot do.
  return Ok();
}

Result<std::string> PrepareOutDir(const Scenario& s, const std::string& out_override) {
  std::string dir = out_override.empty() ? s.run.out : out_override;
  if (dir.empty()) {
    char stamp[32];
    time_t now = time(nullptr);
    tm local{};
    localtime_r(&now, &local);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
    dir = "healbench-out/" + s.run.name + "-" + stamp;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return MakeError(ErrorCode::kBadInput, "results directory " + dir + ": " + ec.message());
  }
  if (!std::filesystem::is_directory(dir)) {
    return MakeError(ErrorCode::kBadInput,
                     "results directory " + dir + ": exists and is not a directory");
  }
  return dir;
}

}  // namespace healbench
