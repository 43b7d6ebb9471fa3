// Fleet stall detection by a sweep over every rank's stall boundaries. See fleet_stalls.h.
#include "harness/fleet/fleet_stalls.h"

#include <algorithm>
#include <map>
#include <set>

namespace healbench {

std::vector<report::FleetStall> FindFleetStalls(const std::vector<RankStalls>& ranks,
                                                int min_ranks) {
  struct Edge {
    double t;
    int delta;  // +1 a rank's stall begins, -1 it ends
    int rank;
  };
  std::vector<Edge> edges;
  for (const RankStalls& r : ranks) {
    for (const auto& [start, end] : r.spans) {
      if (end <= start) continue;
      edges.push_back({start, +1, r.rank});
      edges.push_back({end, -1, r.rank});
    }
  }
  // At one instant, ends before begins: stalls that only touch do not overlap.
  std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) {
    return a.t != b.t ? a.t < b.t : a.delta < b.delta;
  });
  min_ranks = std::max(min_ranks, 1);
  std::vector<report::FleetStall> out;
  std::map<int, int> active;  // rank -> stalls of it in progress (a rank's own may overlap)
  std::set<int> members;      // ranks stalled during the current fleet stall
  bool in_stall = false;
  double start = 0;
  for (const Edge& e : edges) {
    if (e.delta > 0) {
      ++active[e.rank];
    } else if (--active[e.rank] == 0) {
      active.erase(e.rank);
    }
    const bool now = static_cast<int>(active.size()) >= min_ranks;
    if (now) {
      for (const auto& [rank, n] : active) members.insert(rank);
    }
    if (now && !in_stall) {
      in_stall = true;
      start = e.t;
    } else if (!now && in_stall) {
      in_stall = false;
      report::FleetStall s;
      s.start_s = start;
      s.end_s = e.t;
      s.duration_s = e.t - start;
      s.ranks.assign(members.begin(), members.end());
      out.push_back(std::move(s));
      members.clear();
    }
  }
  return out;
}

}  // namespace healbench
