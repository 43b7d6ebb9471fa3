// Progress line drawing. See progress_line.h.
#include "harness/run/progress_line.h"

#include <unistd.h>

#include <cstdio>

#include "harness/core/units.h"

namespace healbench {

namespace {
std::string Iops(double v) {
  char buf[32];
  if (v >= 1e6)
    snprintf(buf, sizeof buf, "%.2fM", v / 1e6);
  else if (v >= 1e4)
    snprintf(buf, sizeof buf, "%.1fk", v / 1e3);
  else
    snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}
}  // namespace

ProgressLine::ProgressLine(Nanos total_ns, Nanos stall_threshold_ns, bool enabled)
    : total_ns_(total_ns),
      stall_threshold_ns_(stall_threshold_ns),
      enabled_(enabled && isatty(STDERR_FILENO) == 1) {}

ProgressLine::~ProgressLine() { Finish(); }

std::string ProgressLine::Format(Nanos elapsed_ns, Nanos total_ns, Nanos stall_threshold_ns,
                                 const report::IntervalRow& last, std::uint32_t inflight,
                                 Nanos oldest_age_ns) {
  char buf[320];
  const double mib = last.read_mib_s + last.write_mib_s;
  snprintf(buf, sizeof buf,
           "[%6.1fs/%.0fs] r %s w %s f %s IOPS  %.1f MiB/s  p99 %s  inflight %u  oldest %s",
           NsToSeconds(elapsed_ns), NsToSeconds(total_ns), Iops(last.read_iops).c_str(),
           Iops(last.write_iops).c_str(), Iops(last.flush_iops).c_str(), mib,
           FormatDuration(last.p99_ns).c_str(), inflight, FormatDuration(oldest_age_ns).c_str());
  std::string line = buf;
  if (oldest_age_ns > stall_threshold_ns) line += "  STALL " + FormatDuration(oldest_age_ns);
  if (last.errors > 0) line += "  errors " + std::to_string(last.errors);
  return line;
}

void ProgressLine::Update(Nanos elapsed_ns, const report::IntervalRow& last, std::uint32_t inflight,
                          Nanos oldest_age_ns) {
  if (!enabled_) return;
  const std::string line =
      Format(elapsed_ns, total_ns_, stall_threshold_ns_, last, inflight, oldest_age_ns);
  fprintf(stderr, "\r%s\033[K", line.c_str());
  fflush(stderr);
  drawn_ = true;
}

void ProgressLine::Finish() {
  if (enabled_ && drawn_) {
    fputc('\n', stderr);
    fflush(stderr);
  }
  drawn_ = false;
}

}  // namespace healbench
