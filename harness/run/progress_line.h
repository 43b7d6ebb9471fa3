// The live progress line on a terminal: elapsed/total, IOPS, MiB/s, p99, in flight, the
// age of the oldest in-flight I/O, and a STALL marker while that age exceeds the stall
// threshold. Rewritten in place on stderr; silent when stderr is not a terminal.
#pragma once

#include <string>

#include "harness/core/clock.h"
#include "reports/result_model.h"

namespace healbench {

class ProgressLine {
 public:
  ProgressLine(Nanos total_ns, Nanos stall_threshold_ns, bool enabled);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Draws the line for the latest interval row plus live values read just now.
  void Update(Nanos elapsed_ns, const report::IntervalRow& last, std::uint32_t inflight,
              Nanos oldest_age_ns);
  // Ends the line (newline) so later output starts clean.
  void Finish();

  // The text of a line, for tests and for the non-TTY log.
  static std::string Format(Nanos elapsed_ns, Nanos total_ns, Nanos stall_threshold_ns,
                            const report::IntervalRow& last, std::uint32_t inflight,
                            Nanos oldest_age_ns);

 private:
  Nanos total_ns_;
  Nanos stall_threshold_ns_;
  bool enabled_;
  bool drawn_ = false;
};

}  // namespace healbench
