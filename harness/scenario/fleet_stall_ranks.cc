// run.fleet_stall_ranks parsing. See fleet_stall_ranks.h.
#include "harness/scenario/fleet_stall_ranks.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace healbench {
namespace {

// Digits only, 1..1000000.
std::optional<long> Number(const std::string& s) {
  if (s.empty() || s.size() > 7 ||
      !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  const long n = std::stol(s);
  if (n < 1) return std::nullopt;
  return n;
}

}  // namespace

bool FleetStallRanksValid(const std::string& spec) {
  if (spec == "any" || spec == "all") return true;
  if (!spec.empty() && spec.back() == '%') {
    auto p = Number(spec.substr(0, spec.size() - 1));
    return p && *p <= 100;
  }
  return Number(spec).has_value();
}

int ResolveFleetStallRanks(const std::string& spec, int ranks) {
  ranks = std::max(ranks, 1);
  if (!FleetStallRanksValid(spec) || spec == "any") return 1;
  if (spec == "all") return ranks;
  if (spec.back() == '%') {
    const long p = *Number(spec.substr(0, spec.size() - 1));
    return std::clamp(static_cast<int>(std::ceil(static_cast<double>(p) * ranks / 100.0)), 1,
                      ranks);
  }
  return static_cast<int>(std::min<long>(*Number(spec), ranks));
}

}  // namespace healbench
