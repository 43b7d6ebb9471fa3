// Fleet stalls: the stretches in which at least `min_ranks` ranks were each in a stall of their
// own at the same time (a rank's stalls as DESIGN.md defines them, from its own I/O).
#pragma once

#include <utility>
#include <vector>

#include "reports/result_model.h"

namespace healbench {

struct RankStalls {
  int rank = 0;
  std::vector<std::pair<double, double>> spans;  // (start_s, end_s) of the rank's stalls
};

// Ascending and disjoint; each lists every rank that was stalled at some point within it.
std::vector<report::FleetStall> FindFleetStalls(const std::vector<RankStalls>& ranks,
                                                int min_ranks);

}  // namespace healbench
