// Log-linear latency histogram in nanoseconds (HDR-style): values are grouped by their
// power of two, and each power of two is split into kSubBuckets linear bins. A value is
// reported as the midpoint of its bin, so the relative error is at most 1/(2*kSubBuckets/2)
// = 1/128 < 1% for every value >= kSubBuckets ns, and exact below that. The ceiling is
// 2^42 ns (about 73 minutes); larger values land in the top bin, and the exact maximum is
// kept separately. Histograms merge by adding bins, so per-thread, per-interval and
// per-host histograms combine exactly.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace healbench {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 7;                 // 128 linear bins per octave
  static constexpr int kSubBuckets = 1 << kSubBucketBits;  // 128
  static constexpr int kMaxValueBits = 42;                 // ceiling 2^42 ns ~ 73 min
  // Values < kSubBuckets map 1:1; each further octave [2^k, 2^(k+1)) for k >= 7 has
  // kSubBuckets/2 = 64 bins of width 2^(k-6).
  static constexpr int kBinCount =
      kSubBuckets + (kMaxValueBits - kSubBucketBits) * (kSubBuckets / 2);

  void Record(std::int64_t value_ns);  // negative values count as 0
  void RecordN(std::int64_t value_ns, std::uint64_t count);
  void Merge(const LatencyHistogram& other);
  void Reset();

  std::uint64_t Count() const { return count_; }
  std::int64_t Min() const;  // exact; 0 when empty
  std::int64_t Max() const;  // exact; 0 when empty
  double Mean() const;       // exact sum / count; 0 when empty
  // Value at quantile q in [0, 1] (0.99 = p99): the representative value (midpoint) of the
  // bin that holds the ceil(q*count)-th smallest sample, clamped to [Min(), Max()]; the
  // first and last ranks are exactly Min() and Max(). 0 when empty.
  std::int64_t Percentile(double q) const;

  static int BinIndex(std::int64_t value_ns);
  static std::int64_t BinLowerBound(int index);
  static std::int64_t BinUpperBound(int index);  // exclusive
  // Non-empty bins as (index, count), ascending: the raw export that other runs merge.
  std::vector<std::pair<int, std::uint64_t>> NonEmptyBins() const;

  // The exact state, for another process to rebuild (a fleet's ranks): non-empty bins, the
  // exact extremes and the sum as a pair of doubles (hi + lo), which keeps the mean exact.
  struct Parts {
    std::vector<std::pair<int, std::uint64_t>> bins;
    std::int64_t min = 0, max = 0;
    double sum_hi = 0, sum_lo = 0;
  };
  Parts ToParts() const;
  // nullopt when a bin index is out of range (a corrupt message).
  static std::optional<LatencyHistogram> FromParts(const Parts& parts);

 private:
  std::array<std::uint64_t, kBinCount> bins_{};
  std::uint64_t count_ = 0;
  std::int64_t min_ = INT64_MAX;
  std::int64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace healbench
