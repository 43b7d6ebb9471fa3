// Bin bounds of the results.json latency histogram layout; see histogram_bins.h. Must agree
// with LatencyHistogram::BinLowerBound (tests/unit/reports/histogram_bins_test.cc pins it).
#include "reports/histogram_bins.h"

namespace healbench::report {
namespace {
constexpr int kSubBuckets = 1 << kHistogramSubBucketBits;  // 128
constexpr int kHalfSubBuckets = kSubBuckets / 2;           // 64 bins per octave
}  // namespace

std::int64_t HistogramBinLowerBound(int index) {
  if (index < kSubBuckets) return index < 0 ? 0 : index;
  const int rel = index - kSubBuckets;
  const int octave = kHistogramSubBucketBits + rel / kHalfSubBuckets;
  const int sub = kHalfSubBuckets + rel % kHalfSubBuckets;
  return static_cast<std::int64_t>(sub) << (octave - (kHistogramSubBucketBits - 1));
}

std::int64_t HistogramBinUpperBound(int index) {
  if (index >= kHistogramBinCount - 1) return std::int64_t{1} << kHistogramMaxValueBits;
  return HistogramBinLowerBound(index + 1);
}

}  // namespace healbench::report
