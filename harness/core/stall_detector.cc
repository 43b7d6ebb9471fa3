// End-of-run stall analysis: merges the slow I/Os of every recorder into stalls (overall, per
// op class, per image) and intersects the recorders' completion gaps. Runs once per run, off
// the I/O path; one sort, then linear sweeps.
#include "harness/core/stall_detector.h"

#include <algorithm>
#include <utility>

namespace healbench {

StallRecorder::StallRecorder(Nanos threshold_ns, Nanos run_start_ns)
    : threshold_ns_(threshold_ns), last_completion_ns_(run_start_ns) {}

void StallRecorder::Finish(Nanos run_end_ns) {
  if (finished_) return;  // a second call would append the trailing gap twice
  finished_ = true;
  if (run_end_ns - last_completion_ns_ > threshold_ns_) {
    gaps_.push_back({last_completion_ns_, run_end_ns});
  }
}

namespace {

// A slow I/O with its end resolved (run end if it never completed).
struct Lifetime {
  Nanos start_ns;
  Nanos end_ns;
  bool open;
  int op_index;
  std::uint32_t image;
};

// Merges lifetimes sorted by start into stalls. Touching lifetimes merge too: no instant
// between them was free of a slow I/O.
std::vector<Stall> MergeLifetimes(const std::vector<const Lifetime*>& sorted) {
  std::vector<Stall> stalls;
  for (const Lifetime* io : sorted) {
    if (stalls.empty() || io->start_ns > stalls.back().end_ns) {
      Stall fresh;
      fresh.start_ns = io->start_ns;
      fresh.end_ns = io->end_ns;
      stalls.push_back(std::move(fresh));
    }
    Stall& s = stalls.back();
    s.end_ns = std::max(s.end_ns, io->end_ns);
    s.open = s.open || io->open;
    ++s.ios;
    s.ops[io->op_index] = true;
    s.images.push_back(io->image);
  }
  for (Stall& s : stalls) {
    std::sort(s.images.begin(), s.images.end());
    s.images.erase(std::unique(s.images.begin(), s.images.end()), s.images.end());
  }
  return stalls;
}

// Intersection of two ascending, disjoint gap lists (two-pointer sweep).
std::vector<Gap> IntersectGaps(const std::vector<Gap>& a, const std::vector<Gap>& b) {
  std::vector<Gap> out;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const Nanos lo = std::max(a[i].start_ns, b[j].start_ns);
    const Nanos hi = std::min(a[i].end_ns, b[j].end_ns);
    if (lo < hi) out.push_back({lo, hi});
    if (a[i].end_ns < b[j].end_ns) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

}  // namespace

StallReport AnalyzeStalls(const std::vector<const StallRecorder*>& recorders,
                          std::uint32_t image_count, Nanos run_end_ns) {
  StallReport report;

  std::vector<Lifetime> lifetimes;
  std::uint32_t images = image_count;
  for (const StallRecorder* r : recorders) {
    for (const SlowIo& io : r->slow_ios()) {
      const bool open = io.end_ns < 0;
      // An I/O still in flight at run end is slow only if it had already waited longer than
      // the threshold; otherwise every run that stops with a full queue would end in a stall.
      if (open && run_end_ns - io.start_ns <= r->threshold_ns()) continue;
      lifetimes.push_back(
          {io.start_ns, open ? run_end_ns : io.end_ns, open, ReportedOpIndex(io.op), io.image});
      images = std::max(images, io.image + 1);
    }
  }
  std::sort(lifetimes.begin(), lifetimes.end(),
            [](const Lifetime& a, const Lifetime& b) { return a.start_ns < b.start_ns; });

  // Filtering the sorted list keeps each subset sorted, so there is only the one sort.
  std::vector<const Lifetime*> all;
  std::vector<const Lifetime*> per_op[kReportedOps];
  std::vector<std::vector<const Lifetime*>> per_image(images);
  all.reserve(lifetimes.size());
  for (const Lifetime& l : lifetimes) {
    all.push_back(&l);
    per_op[l.op_index].push_back(&l);
    per_image[l.image].push_back(&l);
  }
  report.overall = MergeLifetimes(all);
  for (int op = 0; op < kReportedOps; ++op) report.per_op[op] = MergeLifetimes(per_op[op]);
  report.per_image.resize(images);
  for (std::uint32_t i = 0; i < images; ++i) report.per_image[i] = MergeLifetimes(per_image[i]);

  // Longest span in which no recorder completed anything.
  bool any = false;
  Nanos threshold_ns = 0;
  std::vector<Gap> common;
  for (const StallRecorder* r : recorders) {
    // A recorder that never had an I/O says nothing about when completions happened.
    if (r->completions() == 0 && r->slow_ios().empty()) continue;
    std::vector<Gap> gaps = r->gaps();
    if (!r->finished() && run_end_ns - r->last_completion_ns() > r->threshold_ns()) {
      gaps.push_back({r->last_completion_ns(), run_end_ns});
    }
    threshold_ns = std::max(threshold_ns, r->threshold_ns());
    common = any ? IntersectGaps(common, gaps) : std::move(gaps);
    any = true;
  }
  for (const Gap& g : common) {
    const Nanos length = g.end_ns - g.start_ns;
    // Pieces no longer than the threshold are real gaps but not necessarily the longest:
    // a recorder only keeps gaps above the threshold, so shorter ones elsewhere are unseen.
    if (length > threshold_ns && length > report.longest_completion_gap_ns) {
      report.longest_completion_gap_ns = length;
      report.longest_completion_gap = g;
    }
  }
  return report;
}

}  // namespace healbench
