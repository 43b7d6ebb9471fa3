// Prometheus latency buckets (seconds, 50 µs to 10 min in a 1-2.5-5 series) and the
// conversion of a LatencyHistogram interval into per-bucket increments, so the sampler can
// feed Histogram::ObserveMultiple once per op and interval instead of once per I/O.
#pragma once

#include <vector>

#include "harness/core/latency_histogram.h"

namespace healbench {

// Upper bounds (le) in seconds, ascending; +Inf is implied by Prometheus.
const std::vector<double>& LatencyBucketBoundsSeconds();

struct BucketIncrements {
  std::vector<double> counts;  // one per bound plus the +Inf bucket (not cumulative)
  double sum_s = 0;            // exact sum of the values, seconds
};

// A LatencyHistogram bin that lies wholly at or below a bound counts there exactly; a bin
// that straddles a bound goes by its midpoint, so a value can move to the next bucket only
// when it is within half a bin (< 0.8% of the value) of the bound.
BucketIncrements ToBucketIncrements(const LatencyHistogram& h, const std::vector<double>& bounds_s);

}  // namespace healbench
