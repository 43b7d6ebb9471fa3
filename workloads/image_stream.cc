// ImageStream and ArrivalSchedule: the per-image I/O sequence and open-loop issue times.
// Everything expensive (rounding block sizes, sizing the random region) happens once in the
// constructor so Next() is a few RNG draws and compares, with no allocation.
#include "workloads/image_stream.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace healbench {
namespace {

// splitmix64's finaliser: spreads (seed, image) so neighbouring images get unrelated streams
// even though their seeds differ in a few bits only.
std::uint64_t SplitMix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;
// Distinguishes the arrival RNG from image 0's stream when both get the run seed.
constexpr std::uint64_t kArrivalSalt = 0xA5A5F00DC0FFEE11ULL;

std::uint64_t RoundUp(std::uint64_t v, std::uint64_t a) { return (v + a - 1) / a * a; }
std::uint64_t RoundDown(std::uint64_t v, std::uint64_t a) { return v / a * a; }

double Fraction(double pct) { return std::clamp(pct, 0.0, 100.0) / 100.0; }

// A double ns time as int64, saturating: a rate of 0 or a run of centuries must not be UB.
std::int64_t SaturatingNs(double ns) {
  constexpr double kMax = 9.2e18;  // just under INT64_MAX, exactly representable enough
  if (!(ns < kMax)) return std::numeric_limits<std::int64_t>::max();
  return static_cast<std::int64_t>(ns);
}

}  // namespace

ImageStream::ImageStream(const WorkloadParams& params, std::uint32_t image,
                         std::uint64_t image_size_bytes, std::uint32_t alignment,
                         std::uint64_t seed)
    : image_(image),
      read_fraction_(Fraction(params.read_pct)),
      random_fraction_(Fraction(params.random_pct)),
      fsync_every_(params.fsync_every),
      rng_(SplitMix64(seed ^ (static_cast<std::uint64_t>(image) * kGolden))) {
  const std::uint64_t align = std::max<std::uint32_t>(alignment, 1);
  const std::uint64_t usable_bytes = RoundDown(image_size_bytes, align);
  // Lengths are uint32; the largest aligned length that fits is the cap.
  const std::uint64_t max_length =
      std::min(usable_bytes, RoundDown(std::numeric_limits<std::uint32_t>::max(), align));

  const double fraction = std::clamp(params.region_fraction, 0.0, 1.0);
  const std::uint64_t region_bytes = RoundDown(
      static_cast<std::uint64_t>(static_cast<double>(image_size_bytes) * fraction), align);

  std::vector<BlockSizeWeight> sizes = params.bs;
  if (sizes.empty()) sizes.push_back(BlockSizeWeight{});  // 4k; the scenario rejects this
  // All weights zero is a config slip the scenario rejects; weigh the sizes equally then.
  const bool all_zero = std::all_of(sizes.begin(), sizes.end(),
                                    [](const BlockSizeWeight& s) { return s.weight == 0; });
  std::uint64_t cumulative = 0;
  std::uint64_t longest = 0;
  for (const BlockSizeWeight& s : sizes) {
    const std::uint64_t weight = all_zero ? 1 : s.weight;
    if (weight == 0) continue;
    BlockChoice c;
    const std::uint64_t length =
        std::min(RoundUp(std::max<std::uint64_t>(s.bytes, 1), align), max_length);
    c.length = static_cast<std::uint32_t>(length);
    // length and granule are multiples of align and granule <= length; max() keeps the
    // granule non-zero in the degenerate image_size < alignment case.
    c.offset_granule =
        std::max(RoundUp(std::min<std::uint64_t>(length, kGuestBlockBytes), align), align);
    // The region holds at least one block, whatever region_fraction says.
    const std::uint64_t region =
        std::clamp(region_bytes, length, usable_bytes);  // length <= usable
    c.random_slots = (region - length) / c.offset_granule + 1;
    cumulative += weight;
    c.cumulative_weight = cumulative;
    blocks_.push_back(c);
    longest = std::max(longest, length);
  }
  // Room for the longest block, so every block fits when the cursor wraps to 0.
  sequential_end_ = std::clamp(region_bytes, longest, usable_bytes);
}

// Lemire's multiply-shift with rejection: unbiased, and a division only on the rare slow path.
std::uint64_t ImageStream::UniformBelow(std::uint64_t n) {
  unsigned __int128 m = static_cast<unsigned __int128>(rng_()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(rng_()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double ImageStream::UniformUnit() {
  return static_cast<double>(rng_() >> 11) * 0x1.0p-53;  // 53 random bits, the mantissa
}

const ImageStream::BlockChoice& ImageStream::PickBlock() {
  if (blocks_.size() == 1) return blocks_.front();
  const std::uint64_t r = UniformBelow(blocks_.back().cumulative_weight);
  // A handful of entries: a linear scan beats a binary search.
  for (const BlockChoice& c : blocks_) {
    if (r < c.cumulative_weight) return c;
  }
  return blocks_.back();
}

IoSpec ImageStream::Next() {
  IoSpec io;
  io.image = image_;
  // The flush comes after the Nth write has been handed out, as a guest journal commits
  // after its writes; it carries no range (a whole-image flush/fdatasync).
  if (fsync_every_ > 0 && writes_since_flush_ >= fsync_every_) {
    writes_since_flush_ = 0;
    io.op = OpKind::kFlush;
    return io;
  }
  const bool read = UniformUnit() < read_fraction_;
  const BlockChoice& block = PickBlock();
  io.op = read ? OpKind::kRead : OpKind::kWrite;
  io.length = block.length;
  if (UniformUnit() < random_fraction_) {
    io.offset = UniformBelow(block.random_slots) * block.offset_granule;
  } else {
    // Sequential: one cursor for reads and writes, as one guest file copy streams through
    // the disk (or the region); wrap to its start when the next block would run past the end.
    if (seq_cursor_ + block.length > sequential_end_) seq_cursor_ = 0;
    io.offset = seq_cursor_;
    seq_cursor_ += block.length;
  }
  if (!read) ++writes_since_flush_;
  return io;
}

void ImageStream::NextBatch(std::span<IoSpec> out) {
  for (IoSpec& io : out) io = Next();
}

ArrivalSchedule::ArrivalSchedule(double rate_iops, Spacing spacing, std::uint64_t seed)
    : rate_iops_(rate_iops),
      period_ns_(rate_iops > 0 ? 1e9 / rate_iops : std::numeric_limits<double>::infinity()),
      spacing_(spacing),
      rng_(SplitMix64(seed ^ kArrivalSalt)) {}

std::int64_t ArrivalSchedule::NextNs() {
  if (std::isinf(period_ns_)) return std::numeric_limits<std::int64_t>::max();
  if (spacing_ == Spacing::kFixed) {
    // i * 1e9 / rate from the index, not a running sum, so no rounding error accumulates
    // (and whole-number periods come out exact).
    return SaturatingNs(static_cast<double>(count_++) * 1e9 / rate_iops_);
  }
  const std::int64_t now = SaturatingNs(next_ns_);
  // Inverse-CDF exponential gap; 1 - u is in (0, 1], so the log is finite.
  const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
  next_ns_ += -std::log1p(-u) * period_ns_;
  return now;
}

}  // namespace healbench
