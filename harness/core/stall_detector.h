// Stall detection exactly as DESIGN.md defines it. A stall is the union of the lifetimes
// (submit -> completion, or -> end of run if the I/O never completed) of the I/Os that took
// longer than the threshold, merged where they overlap. Each worker thread owns a
// StallRecorder (no locks on the I/O path: it only appends slow I/Os, which are rare, and
// tracks its own gaps between completions); at the end StallAnalysis merges all recorders.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/core/clock.h"
#include "harness/core/io_types.h"

namespace healbench {

// One I/O whose lifetime exceeded the threshold. end_ns == -1: it never completed.
struct SlowIo {
  Nanos start_ns = 0;
  Nanos end_ns = -1;
  OpKind op = OpKind::kRead;
  std::uint32_t image = 0;
};

// A span of time with no completion at all (from one recorder, or from all of them).
struct Gap {
  Nanos start_ns = 0;
  Nanos end_ns = 0;
};

class StallRecorder {
 public:
  // run_start_ns: time zero; a gap from run start to the first completion counts.
  StallRecorder(Nanos threshold_ns, Nanos run_start_ns);

  // Called for every completed I/O, in completion order for this recorder.
  void OnCompletion(Nanos submit_ns, Nanos complete_ns, OpKind op, std::uint32_t image) {
    if (complete_ns - submit_ns > threshold_ns_) {
      slow_.push_back({submit_ns, complete_ns, op, image});
    }
    if (complete_ns - last_completion_ns_ > threshold_ns_) {
      gaps_.push_back({last_completion_ns_, complete_ns});
    }
    if (complete_ns > last_completion_ns_) last_completion_ns_ = complete_ns;
    ++completions_;
  }
  // Called at the end of the run for each I/O still in flight. AnalyzeStalls keeps only those
  // in flight longer than the threshold at run end, so a run that simply stops with a full
  // queue has no stall.
  void OnNeverCompleted(Nanos submit_ns, OpKind op, std::uint32_t image) {
    slow_.push_back({submit_ns, -1, op, image});
  }
  // Closes the trailing gap (last completion -> run end) if it exceeds the threshold. Call
  // once; AnalyzeStalls closes the gap itself for a recorder that was not finished.
  void Finish(Nanos run_end_ns);

  // A recorder rebuilt from another process's (a fleet rank's), its times already moved onto
  // this process's clock.
  static StallRecorder Restore(Nanos threshold_ns, Nanos last_completion_ns,
                               std::uint64_t completions, bool finished, std::vector<SlowIo> slow,
                               std::vector<Gap> gaps) {
    StallRecorder r(threshold_ns, last_completion_ns);
    r.completions_ = completions;
    r.finished_ = finished;
    r.slow_ = std::move(slow);
    r.gaps_ = std::move(gaps);
    return r;
  }

  Nanos threshold_ns() const { return threshold_ns_; }
  const std::vector<SlowIo>& slow_ios() const { return slow_; }
  // This recorder's gaps longer than the threshold, ascending and disjoint.
  const std::vector<Gap>& gaps() const { return gaps_; }
  std::uint64_t completions() const { return completions_; }
  // Latest completion so far; run start until the first one.
  Nanos last_completion_ns() const { return last_completion_ns_; }
  bool finished() const { return finished_; }

 private:
  Nanos threshold_ns_;
  Nanos last_completion_ns_;  // starts at run start, so the opening gap counts
  std::uint64_t completions_ = 0;
  bool finished_ = false;
  std::vector<SlowIo> slow_;
  std::vector<Gap> gaps_;
};

// One merged stall.
struct Stall {
  Nanos start_ns = 0;
  Nanos end_ns = 0;                                // run end for an open stall
  bool open = false;                               // some I/O in it never completed
  std::uint32_t ios = 0;                           // slow I/Os merged into it
  bool ops[kReportedOps] = {false, false, false};  // read, write, flush seen
  std::vector<std::uint32_t> images;               // ascending, unique
};

struct StallReport {
  std::vector<Stall> overall;                 // ascending by start
  std::vector<Stall> per_op[kReportedOps];    // merged over that op class alone
  std::vector<std::vector<Stall>> per_image;  // index = image; merged over that image alone
  // Longest span with no completion anywhere, if it exceeds the threshold (shorter spans are
  // not tracked, so the longest of them is unknown); 0 and {0, 0} otherwise.
  Nanos longest_completion_gap_ns = 0;
  Gap longest_completion_gap{};  // where it was
};

// Merges the recorders of all workers. image_count sizes per_image (grown if a recorder
// names a higher image). run_end_ns closes I/Os that never completed; such an I/O counts
// only if run_end_ns - submit exceeds the threshold. Slow I/Os that touch or overlap merge.
// Gaps: a span counts only if no recorder completed anything in it (the intersection of
// every recorder's gaps); recorders with no completion and no slow I/O are ignored.
// O(n log n) in the number of slow I/Os plus O(total gaps).
StallReport AnalyzeStalls(const std::vector<const StallRecorder*>& recorders,
                          std::uint32_t image_count, Nanos run_end_ns);

}  // namespace healbench
