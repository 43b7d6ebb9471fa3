// LatencyHistogram: bin arithmetic (branches and one bit_width, no loops, so Record stays
// cheap on the I/O path) and the read side (percentiles, export, merge), which may loop.
#include "harness/core/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>

namespace healbench {

namespace {

// Every value at or above this lands in the top bin; Max() still keeps it exactly.
constexpr std::int64_t kCeilingNs = std::int64_t{1} << LatencyHistogram::kMaxValueBits;
constexpr int kHalfSubBuckets = LatencyHistogram::kSubBuckets / 2;

}  // namespace

int LatencyHistogram::BinIndex(std::int64_t value_ns) {
  if (value_ns < kSubBuckets) return value_ns < 0 ? 0 : static_cast<int>(value_ns);
  if (value_ns >= kCeilingNs) return kBinCount - 1;
  const auto v = static_cast<std::uint64_t>(value_ns);
  // octave k: v in [2^k, 2^(k+1)), k >= kSubBucketBits. Keeping the top kSubBucketBits bits
  // gives 64..127, i.e. the bin inside the octave plus kHalfSubBuckets.
  const int octave = static_cast<int>(std::bit_width(v)) - 1;
  const int shift = octave - (kSubBucketBits - 1);
  const int sub = static_cast<int>(v >> shift);
  return kSubBuckets + (octave - kSubBucketBits) * kHalfSubBuckets + (sub - kHalfSubBuckets);
}

std::int64_t LatencyHistogram::BinLowerBound(int index) {
  if (index < kSubBuckets) return index < 0 ? 0 : index;
  const int rel = index - kSubBuckets;
  const int octave = kSubBucketBits + rel / kHalfSubBuckets;
  const int sub = kHalfSubBuckets + rel % kHalfSubBuckets;
  return static_cast<std::int64_t>(sub) << (octave - (kSubBucketBits - 1));
}

std::int64_t LatencyHistogram::BinUpperBound(int index) {
  // Nominal bound: the top bin also holds values above the ceiling, which only Max() knows.
  if (index >= kBinCount - 1) return kCeilingNs;
  return BinLowerBound(index + 1);
}

void LatencyHistogram::Record(std::int64_t value_ns) {
  if (value_ns < 0) value_ns = 0;
  ++bins_[static_cast<std::size_t>(BinIndex(value_ns))];
  ++count_;
  sum_ += static_cast<long double>(value_ns);
  if (value_ns < min_) min_ = value_ns;
  if (value_ns > max_) max_ = value_ns;
}

void LatencyHistogram::RecordN(std::int64_t value_ns, std::uint64_t count) {
  if (count == 0) return;  // must not move min/max
  if (value_ns < 0) value_ns = 0;
  bins_[static_cast<std::size_t>(BinIndex(value_ns))] += count;
  count_ += count;
  sum_ += static_cast<long double>(value_ns) * static_cast<long double>(count);
  if (value_ns < min_) min_ = value_ns;
  if (value_ns > max_) max_ = value_ns;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (std::size_t i = 0; i < bins_.size(); ++i) bins_[i] += other.bins_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void LatencyHistogram::Reset() { *this = LatencyHistogram{}; }

std::int64_t LatencyHistogram::Min() const { return count_ == 0 ? 0 : min_; }

std::int64_t LatencyHistogram::Max() const { return count_ == 0 ? 0 : max_; }

double LatencyHistogram::Mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / static_cast<long double>(count_));
}

std::int64_t LatencyHistogram::Percentile(double q) const {
  if (count_ == 0) return 0;
  if (!(q > 0.0)) q = 0.0;  // also catches NaN
  if (q > 1.0) q = 1.0;
  // Nearest rank. q*count is often an integer that floating point nudges just above
  // (0.07 * 100 = 7.000000000000001), which ceil would push to the next rank; shave a few
  // ulps off first.
  const double n = static_cast<double>(count_);
  const double exact_rank = q * n;
  auto rank = static_cast<std::uint64_t>(std::ceil(exact_rank - exact_rank * 4 * DBL_EPSILON));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  // The smallest and largest samples are known exactly; no need to approximate them.
  if (rank == 1) return Min();
  if (rank == count_) return Max();
  std::uint64_t seen = 0;
  for (int i = 0; i < kBinCount; ++i) {
    seen += bins_[static_cast<std::size_t>(i)];
    if (seen >= rank) {
      // Midpoint of the integers the bin holds: error <= half a bin width, i.e. <= 1/128
      // of the value; exact for the width-1 bins below kSubBuckets.
      const std::int64_t lo = BinLowerBound(i);
      const std::int64_t mid = lo + (BinUpperBound(i) - 1 - lo) / 2;
      return std::clamp(mid, Min(), Max());
    }
  }
  return Max();  // unreachable while bins_ and count_ agree
}

std::vector<std::pair<int, std::uint64_t>> LatencyHistogram::NonEmptyBins() const {
  std::vector<std::pair<int, std::uint64_t>> out;
  for (int i = 0; i < kBinCount; ++i) {
    const std::uint64_t c = bins_[static_cast<std::size_t>(i)];
    if (c != 0) out.emplace_back(i, c);
  }
  return out;
}

LatencyHistogram::Parts LatencyHistogram::ToParts() const {
  Parts p;
  p.bins = NonEmptyBins();
  p.min = Min();
  p.max = Max();
  p.sum_hi = static_cast<double>(sum_);
  p.sum_lo = static_cast<double>(sum_ - static_cast<long double>(p.sum_hi));
  return p;
}

std::optional<LatencyHistogram> LatencyHistogram::FromParts(const Parts& parts) {
  LatencyHistogram h;
  for (const auto& [index, n] : parts.bins) {
    if (index < 0 || index >= kBinCount) return std::nullopt;
    h.bins_[static_cast<std::size_t>(index)] += n;
    h.count_ += n;
  }
  if (h.count_ > 0) {
    h.min_ = parts.min;
    h.max_ = parts.max;
    h.sum_ = static_cast<long double>(parts.sum_hi) + static_cast<long double>(parts.sum_lo);
  }
  return h;
}

}  // namespace healbench
