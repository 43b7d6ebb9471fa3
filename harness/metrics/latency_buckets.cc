// Latency bucket conversion. See latency_buckets.h.
#include "harness/metrics/latency_buckets.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace healbench {

const std::vector<double>& LatencyBucketBoundsSeconds() {
  static const std::vector<double> kBounds = {
      50e-6,  100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3,
      250e-3, 500e-3, 1,      2.5,    5,    10,     25,   50,    100,   250,   600};
  return kBounds;
}

BucketIncrements ToBucketIncrements(const LatencyHistogram& h,
                                    const std::vector<double>& bounds_s) {
  BucketIncrements out;
  out.counts.assign(bounds_s.size() + 1, 0.0);
  if (h.Count() == 0) return out;
  std::vector<std::int64_t> bounds_ns;
  bounds_ns.reserve(bounds_s.size());
  for (double b : bounds_s) bounds_ns.push_back(std::llround(b * 1e9));
  for (const auto& [index, count] : h.NonEmptyBins()) {
    const std::int64_t lo = LatencyHistogram::BinLowerBound(index);
    const std::int64_t hi = LatencyHistogram::BinUpperBound(index) - 1;  // inclusive
    // The first bucket whose bound holds the whole bin, or its midpoint when it straddles.
    const std::int64_t v = lo + (hi - lo) / 2;
    auto it = std::lower_bound(bounds_ns.begin(), bounds_ns.end(), hi);
    if (it != bounds_ns.begin() && *(it - 1) >= v) --it;
    out.counts[static_cast<std::size_t>(it - bounds_ns.begin())] += static_cast<double>(count);
  }
  out.sum_s = h.Mean() * static_cast<double>(h.Count()) / 1e9;
  return out;
}

}  // namespace healbench
