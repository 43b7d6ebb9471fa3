// Bounds of the raw latency histogram bins stored in results.json (layout
// "log-linear-128/2^42ns"), re-stated here because reports/ may not include harness/: values
// below 128 ns map 1:1 to bins 0..127; each octave [2^k, 2^(k+1)) above has 64 equal bins.
#pragma once

#include <cstdint>

namespace healbench::report {

inline constexpr int kHistogramSubBucketBits = 7;  // bins below 128 ns are 1 ns wide
inline constexpr int kHistogramMaxValueBits = 42;  // ceiling 2^42 ns, about 73 minutes
inline constexpr int kHistogramBinCount =
    (1 << kHistogramSubBucketBits) +
    (kHistogramMaxValueBits - kHistogramSubBucketBits) * (1 << (kHistogramSubBucketBits - 1));

// Smallest value (ns) that falls into bin index; index <= 0 gives 0.
std::int64_t HistogramBinLowerBound(int index);
// One past the largest value of bin index; the top bin's nominal bound is the ceiling.
std::int64_t HistogramBinUpperBound(int index);

}  // namespace healbench::report
