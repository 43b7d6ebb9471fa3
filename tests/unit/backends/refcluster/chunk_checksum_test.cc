// Chunk checksums: one flipped byte anywhere changes a chunk's sum, a zero tail is not the
// same as no tail, and the CHECKSUM payload round-trips (and rejects a torn length).
#include "backends/refcluster/chunk_checksum.h"

#include <gtest/gtest.h>

#include <random>

namespace healbench::ref {
namespace {

std::vector<std::uint8_t> RandomBytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::uint8_t> b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return b;
}

TEST(ChunkChecksum, AnySingleFlippedByteChangesTheSum) {
  std::vector<std::uint8_t> data = RandomBytes(4096 + 5, 1);
  const std::uint64_t base = ChunkChecksum(data);
  for (std::size_t i = 0; i < data.size(); ++i) {
    data[i] ^= 0xFF;
    ASSERT_NE(ChunkChecksum(data), base) << "byte " << i;
    data[i] ^= 0xFF;
  }
  EXPECT_EQ(ChunkChecksum(data), base);
}

TEST(ChunkChecksum, TrailingZerosAreNotIgnored) {
  const std::vector<std::uint8_t> a = {1, 2, 3};
  const std::vector<std::uint8_t> b = {1, 2, 3, 0};
  const std::vector<std::uint8_t> c = {1, 2, 3, 0, 0, 0, 0, 0};
  EXPECT_NE(ChunkChecksum(a), ChunkChecksum(b));
  EXPECT_NE(ChunkChecksum(b), ChunkChecksum(c));
}

TEST(ChunkChecksum, PayloadHasOneSumPerChunkAndRoundTrips) {
  const std::vector<std::uint8_t> data = RandomBytes(3 * 1000 + 10, 2);
  const std::vector<std::uint8_t> payload = EncodeChunkChecksums(data, 1000);
  ASSERT_EQ(payload.size(), 4u * 8);
  auto sums = DecodeChunkChecksums(payload);
  ASSERT_TRUE(sums.ok());
  ASSERT_EQ(sums->size(), 4u);
  EXPECT_EQ((*sums)[1], ChunkChecksum(std::span(data).subspan(1000, 1000)));
  EXPECT_EQ((*sums)[3], ChunkChecksum(std::span(data).subspan(3000, 10)));
}

TEST(ChunkChecksum, DecodeRejectsALengthThatIsNotWholeSums) {
  const std::vector<std::uint8_t> torn(12, 0);
  auto sums = DecodeChunkChecksums(torn);
  ASSERT_FALSE(sums.ok());
  EXPECT_EQ(sums.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(sums.error().message, "CHECKSUM reply of 12 bytes is not a whole number of u64 sums");
}

}  // namespace
}  // namespace healbench::ref
