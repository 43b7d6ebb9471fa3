// run.fleet_stall_ranks: how many ranks of a fleet must be stalled at once for a fleet stall.
// "any" (1), "all", "N%" of the ranks (rounded up, at least 1) or a count N (at most all).
#pragma once

#include <string>

namespace healbench {

bool FleetStallRanksValid(const std::string& spec);
// The count for a fleet of `ranks`; 1 for a spec that is not valid.
int ResolveFleetStallRanks(const std::string& spec, int ranks);

}  // namespace healbench
