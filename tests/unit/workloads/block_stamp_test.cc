// Verification block format: a stamped block decodes to its stamp; zeros, garbage and any
// flipped byte are told apart.
#include "workloads/block_stamp.h"

#include <gtest/gtest.h>

#include <vector>

namespace healbench {
namespace {

std::vector<std::uint8_t> Stamped(const BlockStamp& s) {
  std::vector<std::uint8_t> b(kVerifyBlockBytes);
  StampBlock(b, s);
  return b;
}

TEST(BlockStampTest, StampedBlockDecodesToItsStamp) {
  const BlockStamp s{0xabcdef, 3, 7 * kVerifyBlockBytes, 42};
  const DecodedBlock d = DecodeBlock(Stamped(s));
  ASSERT_EQ(d.content, BlockContent::kStamped);
  EXPECT_EQ(d.stamp.run_id, s.run_id);
  EXPECT_EQ(d.stamp.image, s.image);
  EXPECT_EQ(d.stamp.offset, s.offset);
  EXPECT_EQ(d.stamp.generation, s.generation);
}

TEST(BlockStampTest, ZerosAndGarbageAreNotStamped) {
  std::vector<std::uint8_t> zero(kVerifyBlockBytes, 0);
  EXPECT_EQ(DecodeBlock(zero).content, BlockContent::kZero);
  std::vector<std::uint8_t> junk(kVerifyBlockBytes, 0);
  junk[4000] = 1;
  EXPECT_EQ(DecodeBlock(junk).content, BlockContent::kForeign);
}

TEST(BlockStampTest, AnyFlippedByteMakesTheBlockTorn) {
  const BlockStamp s{1, 0, 0, 5};
  for (std::size_t at : {8u, 16u, 20u, 24u, 40u, 2048u, 4095u}) {
    auto b = Stamped(s);
    b[at] ^= 0xff;
    EXPECT_EQ(DecodeBlock(b).content, BlockContent::kTorn) << "byte " << at;
  }
}

TEST(BlockStampTest, HalfOfOneWriteAndHalfOfAnotherIsTorn) {
  auto a = Stamped({1, 0, 0, 5});
  auto b = Stamped({1, 0, 0, 6});
  std::copy(b.begin() + 2048, b.end(), a.begin() + 2048);
  EXPECT_EQ(DecodeBlock(a).content, BlockContent::kTorn);
}

TEST(BlockStampTest, DifferentGenerationsHaveDifferentPayloads) {
  auto a = Stamped({1, 0, 0, 5});
  auto b = Stamped({1, 0, 0, 6});
  EXPECT_NE(std::vector<std::uint8_t>(a.begin() + 64, a.end()),
            std::vector<std::uint8_t>(b.begin() + 64, b.end()));
}

TEST(BlockStampTest, StampBlocksGivesEachBlockItsOwnOffset) {
  std::vector<std::uint8_t> buf(3 * kVerifyBlockBytes);
  StampBlocks(buf, {9, 1, 10 * kVerifyBlockBytes, 2});
  for (int i = 0; i < 3; ++i) {
    const DecodedBlock d = DecodeBlock(std::span<const std::uint8_t>(buf).subspan(
        static_cast<std::size_t>(i) * kVerifyBlockBytes, kVerifyBlockBytes));
    ASSERT_EQ(d.content, BlockContent::kStamped);
    EXPECT_EQ(d.stamp.offset, (10u + static_cast<unsigned>(i)) * kVerifyBlockBytes);
  }
}

}  // namespace
}  // namespace healbench
