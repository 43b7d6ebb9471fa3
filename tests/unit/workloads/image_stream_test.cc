// Tests for ImageStream: offsets spread evenly, sizes and read share follow the weights,
// sequential runs wrap, everything stays aligned and in range, flushes come on cadence, and
// the sequence is a pure function of (seed, image).
#include "workloads/image_stream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <vector>

namespace healbench {
namespace {

constexpr std::uint64_t kKiB = 1024;
constexpr std::uint64_t kMiB = 1024 * kKiB;
constexpr std::uint64_t kGiB = 1024 * kMiB;

WorkloadParams Params(std::vector<BlockSizeWeight> bs, double read_pct, double random_pct,
                      std::uint32_t fsync_every = 0, double region_fraction = 1.0) {
  WorkloadParams p;
  p.bs = std::move(bs);
  p.read_pct = read_pct;
  p.random_pct = random_pct;
  p.fsync_every = fsync_every;
  p.region_fraction = region_fraction;
  return p;
}

std::vector<IoSpec> Take(ImageStream& s, std::size_t n) {
  std::vector<IoSpec> out(n);
  s.NextBatch(out);
  return out;
}

TEST(ImageStream, RandomOffsetsAreUniformAcrossTheImage) {
  constexpr int kBuckets = 64;
  constexpr int kOps = 256000;
  ImageStream s(Params({{4096, 1}}, 50, 100), 0, kGiB, 512, 1234);
  std::array<int, kBuckets> counts{};
  for (const IoSpec& io : Take(s, kOps)) ++counts[io.offset / (kGiB / kBuckets)];
  const double expected = static_cast<double>(kOps) / kBuckets;
  double chi2 = 0;
  for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
  // 63 degrees of freedom: mean 63, sd ~11; 150 is far out in the tail yet catches any skew.
  EXPECT_LT(chi2, 150) << "chi-square over " << kBuckets << " buckets";
}

TEST(ImageStream, BlockSizesFollowTheirWeights) {
  const std::vector<BlockSizeWeight> mix = {
      {4096, 50}, {8192, 10}, {16384, 10}, {65536, 20}, {131072, 10}};
  constexpr int kOps = 200000;
  ImageStream s(Params(mix, 70, 100), 0, 10 * kGiB, 512, 99);
  std::map<std::uint32_t, int> counts;
  for (const IoSpec& io : Take(s, kOps)) ++counts[io.length];
  ASSERT_EQ(counts.size(), mix.size());
  for (const BlockSizeWeight& b : mix) {
    const double share = static_cast<double>(counts[b.bytes]) / kOps;
    EXPECT_NEAR(share, b.weight / 100.0, 0.01) << b.bytes;
  }
}

TEST(ImageStream, ReadShareFollowsReadPct) {
  for (double pct : {0.0, 30.0, 70.0, 100.0}) {
    constexpr int kOps = 100000;
    ImageStream s(Params({{4096, 1}}, pct, 100), 0, kGiB, 512, 5);
    int reads = 0;
    for (const IoSpec& io : Take(s, kOps)) {
      ASSERT_NE(io.op, OpKind::kFlush);
      if (io.op == OpKind::kRead) ++reads;
    }
    const double share = static_cast<double>(reads) / kOps;
    if (pct == 0 || pct == 100) {
      EXPECT_EQ(share, pct / 100) << pct;
    } else {
      EXPECT_NEAR(share, pct / 100, 0.01) << pct;
    }
  }
}

TEST(ImageStream, SequentialOffsetsAdvanceAndWrapAtTheEnd) {
  // 1 MiB + 1000 bytes: 16 blocks of 64 KiB fit, the 17th would pass the end.
  ImageStream s(Params({{64 * 1024, 1}}, 50, 0), 0, kMiB + 1000, 512, 3);
  const std::vector<IoSpec> ios = Take(s, 50);
  for (std::size_t i = 0; i < ios.size(); ++i) {
    EXPECT_EQ(ios[i].offset, (i % 16) * 64 * kKiB) << i;
    EXPECT_EQ(ios[i].length, 64 * kKiB);
  }
}

TEST(ImageStream, SequentialMixedSizesAreContiguousAndWrapOnlyWhenFull) {
  const std::uint64_t size = 3 * kMiB + 4096 + 17;
  ImageStream s(Params({{4096, 3}, {65536, 1}, {131072, 1}}, 50, 0), 0, size, 4096, 8);
  std::uint64_t expect = 0;
  int wraps = 0;
  for (const IoSpec& io : Take(s, 5000)) {
    if (expect + io.length > size) {
      expect = 0;
      ++wraps;
    }
    ASSERT_EQ(io.offset, expect);
    expect += io.length;
  }
  EXPECT_GT(wraps, 10);
}

TEST(ImageStream, OffsetsAndLengthsAreAlignedAndInRangeForOddImageSizes) {
  const std::vector<BlockSizeWeight> mix = {{512, 5},    {4096, 50},   {8192, 10},
                                            {65536, 20}, {131072, 10}, {1000, 5}};
  for (std::uint64_t size :
       std::vector<std::uint64_t>{kGiB + 123, 10 * 4096 + 511, kMiB - 1, 200 * kKiB + 4095}) {
    for (std::uint32_t align : {512u, 4096u}) {
      SCOPED_TRACE(testing::Message() << "size " << size << " align " << align);
      ImageStream s(Params(mix, 50, 50), 0, size, align, 11);
      for (const IoSpec& io : Take(s, 20000)) {
        ASSERT_GT(io.length, 0u);
        ASSERT_EQ(io.offset % align, 0u);
        ASSERT_EQ(io.length % align, 0u);
        ASSERT_LE(io.offset + io.length, size);
      }
    }
  }
}

TEST(ImageStream, SmallBlocksRoundUpToTheAlignment) {
  ImageStream s(Params({{512, 1}, {1000, 1}}, 50, 100), 0, kMiB, 4096, 2);
  for (const IoSpec& io : Take(s, 1000)) EXPECT_EQ(io.length, 4096u);
}

TEST(ImageStream, LargeRandomBlocksStartOnGuestBlockBoundaries) {
  // 64 KiB blocks land on any 4 KiB boundary (like a guest filesystem), not only on 64 KiB.
  ImageStream s(Params({{65536, 1}}, 100, 100), 0, kGiB, 512, 4);
  bool off_64k_boundary = false;
  for (const IoSpec& io : Take(s, 10000)) {
    ASSERT_EQ(io.offset % 4096, 0u);
    if (io.offset % 65536 != 0) off_64k_boundary = true;
  }
  EXPECT_TRUE(off_64k_boundary);
}

TEST(ImageStream, SubGuestBlockRandomOffsetsUseTheBackendAlignment) {
  ImageStream s(Params({{512, 1}}, 100, 100), 0, kGiB, 512, 4);
  bool off_4k_boundary = false;
  for (const IoSpec& io : Take(s, 1000)) {
    ASSERT_EQ(io.offset % 512, 0u);
    if (io.offset % 4096 != 0) off_4k_boundary = true;
  }
  EXPECT_TRUE(off_4k_boundary);
}

TEST(ImageStream, BlockLargerThanTheImageIsCutToTheImage) {
  ImageStream s(Params({{131072, 1}}, 50, 50), 0, 100 * 1000, 4096, 6);
  for (const IoSpec& io : Take(s, 100)) {
    EXPECT_EQ(io.offset, 0u);
    EXPECT_EQ(io.length, 24u * 4096);
  }
}

TEST(ImageStream, FlushFollowsEveryWriteWhenFsyncEveryIsOne) {
  ImageStream s(Params({{8192, 1}}, 60, 100, 1), 0, kGiB, 512, 21);
  const std::vector<IoSpec> ios = Take(s, 10000);
  int flushes = 0;
  for (std::size_t i = 0; i < ios.size(); ++i) {
    if (ios[i].op == OpKind::kWrite && i + 1 < ios.size()) {
      ASSERT_EQ(ios[i + 1].op, OpKind::kFlush) << i;
    }
    if (ios[i].op == OpKind::kFlush) {
      ++flushes;
      ASSERT_GT(i, 0u);
      ASSERT_EQ(ios[i - 1].op, OpKind::kWrite) << i;
      EXPECT_EQ(ios[i].offset, 0u);
      EXPECT_EQ(ios[i].length, 0u);
    }
  }
  EXPECT_NEAR(flushes, 10000 * 0.4 / 1.4, 150);  // one flush per write; 40% of data ops write
}

TEST(ImageStream, FlushComesAfterEvery32Writes) {
  ImageStream s(Params({{4096, 1}}, 70, 100, 32), 0, kGiB, 512, 22);
  int writes = 0;
  int flushes = 0;
  for (const IoSpec& io : Take(s, 50000)) {
    if (io.op == OpKind::kFlush) {
      ASSERT_EQ(writes, 32);
      writes = 0;
      ++flushes;
    } else if (io.op == OpKind::kWrite) {
      ASSERT_LT(writes, 32);
      ++writes;
    }
  }
  EXPECT_GT(flushes, 400);
}

TEST(ImageStream, NoFlushWhenFsyncEveryIsZero) {
  ImageStream s(Params({{4096, 1}}, 0, 100, 0), 0, kGiB, 512, 23);
  for (const IoSpec& io : Take(s, 10000)) ASSERT_EQ(io.op, OpKind::kWrite);
}

TEST(ImageStream, RegionFractionBoundsRandomAndSequentialOffsets) {
  const std::uint64_t size = kGiB + 12345;
  const auto region = static_cast<std::uint64_t>(static_cast<double>(size) * 0.1);
  ImageStream s(Params({{4096, 60}, {65536, 25}, {131072, 15}}, 95, 60, 0, 0.1), 0, size, 512, 31);
  std::uint64_t highest_end = 0;
  for (const IoSpec& io : Take(s, 100000)) {
    ASSERT_LE(io.offset + io.length, region);
    highest_end = std::max(highest_end, io.offset + io.length);
  }
  // ... and the region is actually used, right up to its end.
  EXPECT_GT(highest_end, region - region / 100);
}

TEST(ImageStream, TinyRegionStillHoldsOneBlock) {
  ImageStream s(Params({{65536, 1}}, 50, 50, 0, 0.0001), 0, kMiB, 512, 32);
  for (const IoSpec& io : Take(s, 100)) {
    EXPECT_EQ(io.offset, 0u);
    EXPECT_EQ(io.length, 65536u);
  }
}

TEST(ImageStream, SameSeedAndImageReplayTheSameSequence) {
  const WorkloadParams p = Params({{4096, 5}, {65536, 1}}, 70, 80, 32);
  ImageStream a(p, 3, 10 * kGiB, 512, 777);
  ImageStream b(p, 3, 10 * kGiB, 512, 777);
  const std::vector<IoSpec> x = Take(a, 5000);
  const std::vector<IoSpec> y = Take(b, 5000);
  for (std::size_t i = 0; i < x.size(); ++i) {
    ASSERT_EQ(x[i].image, 3u);
    ASSERT_EQ(x[i].op, y[i].op) << i;
    ASSERT_EQ(x[i].offset, y[i].offset) << i;
    ASSERT_EQ(x[i].length, y[i].length) << i;
  }
}

TEST(ImageStream, OtherImageOrSeedGivesAnotherSequence) {
  const WorkloadParams p = Params({{4096, 1}}, 70, 100);
  ImageStream base(p, 0, 10 * kGiB, 512, 777);
  ImageStream other_image(p, 1, 10 * kGiB, 512, 777);
  ImageStream other_seed(p, 0, 10 * kGiB, 512, 778);
  const std::vector<IoSpec> x = Take(base, 100);
  const std::vector<IoSpec> y = Take(other_image, 100);
  const std::vector<IoSpec> z = Take(other_seed, 100);
  int same_image = 0;
  int same_seed = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(y[i].image, 1u);
    if (x[i].offset == y[i].offset) ++same_image;
    if (x[i].offset == z[i].offset) ++same_seed;
  }
  EXPECT_LT(same_image, 5);
  EXPECT_LT(same_seed, 5);
}

TEST(ImageStream, BatchesContinueTheSameSequenceAsNext) {
  const WorkloadParams p = Params({{4096, 1}, {131072, 1}}, 50, 50, 4);
  ImageStream one(p, 2, kGiB, 512, 55);
  ImageStream batched(p, 2, kGiB, 512, 55);
  std::vector<IoSpec> got;
  for (std::size_t n : {1u, 7u, 64u, 0u, 128u}) {
    const std::vector<IoSpec> b = Take(batched, n);
    got.insert(got.end(), b.begin(), b.end());
  }
  for (std::size_t i = 0; i < got.size(); ++i) {
    const IoSpec e = one.Next();
    ASSERT_EQ(got[i].op, e.op) << i;
    ASSERT_EQ(got[i].offset, e.offset) << i;
    ASSERT_EQ(got[i].length, e.length) << i;
  }
}

TEST(ImageStream, EveryProfileGeneratesValidIo) {
  for (const std::string& name : ProfileNames()) {
    SCOPED_TRACE(name);
    Result<WorkloadParams> p = ProfileDefaults(name);
    ASSERT_TRUE(p.ok());
    const std::uint64_t size = 20 * kGiB + 777;
    ImageStream s(*p, 0, size, 512, 1);
    for (const IoSpec& io : Take(s, 10000)) {
      if (io.op == OpKind::kFlush) continue;
      ASSERT_EQ(io.offset % 512, 0u);
      ASSERT_LE(io.offset + io.length, size);
    }
  }
}

}  // namespace
}  // namespace healbench
