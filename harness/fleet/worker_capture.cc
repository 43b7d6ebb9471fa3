// CaptureWorker. See worker_capture.h.
#include "harness/fleet/worker_capture.h"

namespace healbench {

FleetWorkerData CaptureWorker(const Worker& w, Nanos run_start_ns) {
  FleetWorkerData d;
  d.phases = w.phases();
  const StallRecorder& s = w.stalls();
  d.threshold_ns = s.threshold_ns();
  d.last_completion_rel_ns = s.last_completion_ns() - run_start_ns;
  d.completions = s.completions();
  d.finished = s.finished();
  for (SlowIo io : s.slow_ios()) {
    io.start_ns -= run_start_ns;
    if (io.end_ns != -1) io.end_ns -= run_start_ns;
    d.slow.push_back(io);
  }
  for (Gap g : s.gaps()) {
    g.start_ns -= run_start_ns;
    g.end_ns -= run_start_ns;
    d.gaps.push_back(g);
  }
  return d;
}

}  // namespace healbench
