// Block classification: each verdict, writes whose outcome is unknown (no false alarm),
// fault boundaries (stale vs lost), counting rules, and memory on a huge sparse image.
#include "workloads/verify_tracker.h"

#include <gtest/gtest.h>

#include <vector>

namespace healbench {
namespace {

constexpr std::uint64_t kRun = 777;
constexpr std::uint32_t kB = kVerifyBlockBytes;

std::vector<std::uint8_t> Block(std::uint32_t gen, std::uint64_t offset, std::uint32_t image = 0,
                                std::uint64_t run = kRun) {
  std::vector<std::uint8_t> b(kB);
  StampBlock(b, {run, image, offset, gen});
  return b;
}
std::vector<std::uint8_t> Zeros() { return std::vector<std::uint8_t>(kB, 0); }

// Writes one acknowledged generation to block `block` and returns it.
std::uint32_t AckedWrite(ImageVerifier& v, std::uint64_t block) {
  const std::uint32_t g = v.NextGeneration();
  v.OnWriteDone(block * kB, kB, g, true);
  return g;
}

TEST(VerifyTrackerTest, LatestAcknowledgedVersionIsOk) {
  ImageVerifier v(0, kRun);
  AckedWrite(v, 5);
  const std::uint32_t g2 = AckedWrite(v, 5);
  IntegrityCounts c;
  v.CheckRead(5 * kB, Block(g2, 5 * kB), &c);
  EXPECT_EQ(c.checked_blocks, 1u);
  EXPECT_EQ(c.Problems(), 0u);
}

TEST(VerifyTrackerTest, OlderVersionWithoutFaultIsLostAndCountedOnce) {
  ImageVerifier v(0, kRun);
  const std::uint32_t g1 = AckedWrite(v, 5);
  AckedWrite(v, 5);
  IntegrityCounts c;
  v.CheckRead(5 * kB, Block(g1, 5 * kB), &c);
  v.CheckRead(5 * kB, Block(g1, 5 * kB), &c);
  v.CheckRead(5 * kB, Zeros(), &c);
  EXPECT_EQ(c.lost_writes, 1u);  // the same acknowledged write, found gone three times
  EXPECT_EQ(c.checked_blocks, 3u);
  AckedWrite(v, 5);  // a newer acknowledged write that is lost again counts again
  v.CheckRead(5 * kB, Block(g1, 5 * kB), &c);
  EXPECT_EQ(c.lost_writes, 2u);
}

TEST(VerifyTrackerTest, ZerosWhereAWriteWasAcknowledgedIsLost) {
  ImageVerifier v(0, kRun);
  AckedWrite(v, 1);
  IntegrityCounts c;
  v.CheckRead(kB, Zeros(), &c);
  EXPECT_EQ(c.lost_writes, 1u);
}

TEST(VerifyTrackerTest, VersionFromBeforeAFaultIsStale) {
  ImageVerifier v(0, kRun);
  const std::uint32_t before = AckedWrite(v, 2);
  v.OnFault();
  AckedWrite(v, 2);
  IntegrityCounts c;
  v.CheckRead(2 * kB, Block(before, 2 * kB), &c);
  v.CheckRead(2 * kB, Block(before, 2 * kB), &c);
  EXPECT_EQ(c.stale_reads, 2u);  // every stale read counts
  EXPECT_EQ(c.lost_writes, 0u);
}

TEST(VerifyTrackerTest, OlderVersionFromAfterTheFaultIsLostNotStale) {
  ImageVerifier v(0, kRun);
  AckedWrite(v, 2);
  v.OnFault();
  v.OnFaultEnd();
  const std::uint32_t after = AckedWrite(v, 2);
  AckedWrite(v, 2);
  IntegrityCounts c;
  v.CheckRead(2 * kB, Block(after, 2 * kB), &c);
  EXPECT_EQ(c.lost_writes, 1u);
  EXPECT_EQ(c.stale_reads, 0u);
}

TEST(VerifyTrackerTest, WriteInFlightAtTheFaultAndAcknowledgedAfterItCanBeMissedStale) {
  ImageVerifier v(0, kRun);
  const std::uint32_t before = AckedWrite(v, 2);
  const std::uint32_t inflight = v.NextGeneration();  // issued before the fault
  v.OnFault();
  v.OnWriteDone(2 * kB, kB, inflight, true);  // acknowledged by the replica that stayed
  IntegrityCounts c;
  v.CheckRead(2 * kB, Block(before, 2 * kB), &c);
  EXPECT_EQ(c.stale_reads, 1u);
  EXPECT_EQ(c.lost_writes, 0u);
}

TEST(VerifyTrackerTest, ALateVersionFromTheFaultIsStaleAgainstALaterAck) {
  // The frozen replica applied the write in flight at the fault when it came back; the
  // survivor then took newer writes, which the heal copied.
  ImageVerifier v(0, kRun);
  AckedWrite(v, 2);
  const std::uint32_t inflight = v.NextGeneration();
  v.OnFault();
  v.OnWriteDone(2 * kB, kB, inflight, true);
  AckedWrite(v, 2);
  IntegrityCounts c;
  v.CheckRead(2 * kB, Block(inflight, 2 * kB), &c);
  EXPECT_EQ(c.stale_reads, 1u);
}

TEST(VerifyTrackerTest, AVersionIssuedWhileTheFaultWasInForceIsStale) {
  // Issued after the fault began but reaching the faulty replica late (it was queued there).
  ImageVerifier v(0, kRun);
  AckedWrite(v, 2);
  v.OnFault();
  const std::uint32_t during = AckedWrite(v, 2);
  AckedWrite(v, 2);
  v.OnFaultEnd();
  IntegrityCounts c;
  v.CheckRead(2 * kB, Block(during, 2 * kB), &c);
  EXPECT_EQ(c.stale_reads, 1u);
  EXPECT_EQ(c.lost_writes, 0u);
}

TEST(VerifyTrackerTest, UncertainWriteMayShowEitherVersion) {
  ImageVerifier v(0, kRun);
  const std::uint32_t acked = AckedWrite(v, 3);
  const std::uint32_t failed = v.NextGeneration();
  v.OnWriteDone(3 * kB, kB, failed, false);
  IntegrityCounts c;
  v.CheckRead(3 * kB, Block(acked, 3 * kB), &c);
  v.CheckRead(3 * kB, Block(failed, 3 * kB), &c);
  auto torn = Block(failed, 3 * kB);
  torn[3000] ^= 1;  // a failed write may leave a block half written
  v.CheckRead(3 * kB, torn, &c);
  EXPECT_EQ(c.checked_blocks, 3u);
  EXPECT_EQ(c.Problems(), 0u);
}

TEST(VerifyTrackerTest, SeveralUncertainWritesAllowAnyOfThem) {
  ImageVerifier v(0, kRun);
  AckedWrite(v, 3);
  const std::uint32_t u1 = v.NextGeneration();
  v.OnWriteDone(3 * kB, kB, u1, false);
  const std::uint32_t u2 = v.NextGeneration();
  v.OnWriteDone(3 * kB, kB, u2, false);
  IntegrityCounts c;
  v.CheckRead(3 * kB, Block(u1, 3 * kB), &c);
  v.CheckRead(3 * kB, Block(u2, 3 * kB), &c);
  EXPECT_EQ(c.Problems(), 0u);
}

TEST(VerifyTrackerTest, AnAcknowledgedWriteEndsTheUncertainty) {
  ImageVerifier v(0, kRun);
  const std::uint32_t failed = v.NextGeneration();
  v.OnWriteDone(0, kB, failed, false);
  AckedWrite(v, 0);
  IntegrityCounts c;
  v.CheckRead(0, Block(failed, 0), &c);
  EXPECT_EQ(c.lost_writes, 1u);
}

TEST(VerifyTrackerTest, OnlyUncertainWritesOweNothing) {
  ImageVerifier v(0, kRun);
  const std::uint32_t failed = v.NextGeneration();
  v.OnWriteDone(0, kB, failed, false);
  IntegrityCounts c;
  v.CheckRead(0, Zeros(), &c);
  std::vector<std::uint8_t> junk(kB, 0x5a);
  v.CheckRead(0, junk, &c);
  EXPECT_EQ(c.Problems(), 0u);
  EXPECT_EQ(c.checked_blocks, 2u);
}

TEST(VerifyTrackerTest, TornBlockWhereAWriteWasAcknowledged) {
  ImageVerifier v(0, kRun);
  const std::uint32_t g = AckedWrite(v, 4);
  auto b = Block(g, 4 * kB);
  b[2048] ^= 0xff;
  IntegrityCounts c;
  v.CheckRead(4 * kB, b, &c);
  std::vector<std::uint8_t> junk(kB, 0x5a);
  v.CheckRead(4 * kB, junk, &c);
  EXPECT_EQ(c.torn_blocks, 2u);
}

TEST(VerifyTrackerTest, AnotherBlocksWriteIsMisdirected) {
  ImageVerifier v(0, kRun);
  const std::uint32_t g = AckedWrite(v, 4);
  AckedWrite(v, 9);
  IntegrityCounts c;
  v.CheckRead(9 * kB, Block(g, 4 * kB), &c);     // written for block 4, found at 9
  v.CheckRead(9 * kB, Block(g, 9 * kB, 1), &c);  // meant for image 1
  v.CheckRead(20 * kB, Block(g, 4 * kB), &c);    // found where nothing was written
  EXPECT_EQ(c.misdirected, 3u);
}

TEST(VerifyTrackerTest, AGenerationNeverWrittenThereIsMisdirected) {
  ImageVerifier v(0, kRun);
  const std::uint32_t g = AckedWrite(v, 4);
  IntegrityCounts c;
  v.CheckRead(4 * kB, Block(g + 5, 4 * kB), &c);
  EXPECT_EQ(c.misdirected, 1u);
}

TEST(VerifyTrackerTest, AnotherRunsDataWhereThisRunWroteIsLost) {
  ImageVerifier v(0, kRun);
  AckedWrite(v, 4);
  IntegrityCounts c;
  v.CheckRead(4 * kB, Block(1, 4 * kB, 0, kRun + 1), &c);
  EXPECT_EQ(c.lost_writes, 1u);
}

TEST(VerifyTrackerTest, UntouchedBlocksAreNotChecked) {
  ImageVerifier v(0, kRun);
  IntegrityCounts c;
  v.CheckRead(0, Zeros(), &c);
  v.CheckRead(0, Block(3, 0, 0, kRun + 1), &c);
  EXPECT_EQ(c.checked_blocks, 0u);
  EXPECT_EQ(c.Problems(), 0u);
}

TEST(VerifyTrackerTest, MultiBlockReadsCheckEveryBlock) {
  ImageVerifier v(0, kRun);
  const std::uint32_t g = v.NextGeneration();
  v.OnWriteDone(8 * kB, 4 * kB, g, true);
  std::vector<std::uint8_t> data(4 * kB);
  StampBlocks(data, {kRun, 0, 8 * kB, g});
  std::fill(data.begin() + 2 * kB, data.begin() + 3 * kB, 0);  // the third block lost
  IntegrityCounts c;
  v.CheckRead(8 * kB, data, &c);
  EXPECT_EQ(c.checked_blocks, 4u);
  EXPECT_EQ(c.lost_writes, 1u);
}

TEST(VerifyTrackerTest, TouchedExtentsCoalesceAndRespectTheLimit) {
  ImageVerifier v(0, kRun);
  v.OnWriteDone(0, 3 * kB, v.NextGeneration(), true);
  v.OnWriteDone(10 * kB, kB, v.NextGeneration(), false);
  v.OnWriteDone(300 * kB, 2 * kB, v.NextGeneration(), true);  // crosses into chunk 1
  const auto ext = v.TouchedExtents(2 * kB);
  ASSERT_EQ(ext.size(), 4u);
  EXPECT_EQ(ext[0].offset, 0u);
  EXPECT_EQ(ext[0].length, 2 * kB);
  EXPECT_EQ(ext[1].offset, 2 * kB);
  EXPECT_EQ(ext[1].length, kB);
  EXPECT_EQ(ext[2].offset, 10 * kB);
  EXPECT_EQ(ext[3].offset, 300 * kB);
  EXPECT_EQ(ext[3].length, 2 * kB);
  EXPECT_EQ(v.TouchedBlocks(), 6u);
}

TEST(VerifyTrackerTest, OneTebibyteSparseImageCostsOnlyWhatIsTouched) {
  ImageVerifier v(0, kRun);
  const std::uint64_t tib = 1ull << 40;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    v.OnWriteDone((tib / 1000) * i / kB * kB, kB, v.NextGeneration(), true);
  }
  EXPECT_EQ(v.TouchedBlocks(), 1000u);
  EXPECT_EQ(v.TouchedExtents(1 << 20).size(), 1000u);
}

TEST(VerifyTrackerTest, ReplayedFaultBoundaryActsLikeALiveOne) {
  ImageVerifier live(0, kRun), replay(0, kRun);
  const std::uint32_t g1 = AckedWrite(live, 1);
  const std::uint32_t boundary = live.OnFault();
  const std::uint32_t g2 = AckedWrite(live, 1);
  replay.OnWriteDone(kB, kB, g1, true);  // in the journal's order
  replay.AddFaultBoundary(boundary);
  replay.OnWriteDone(kB, kB, g2, true);
  const DecodedBlock old = DecodeBlock(Block(g1, kB));
  EXPECT_EQ(live.Classify(1, old), BlockVerdict::kStale);
  EXPECT_EQ(replay.Classify(1, old), BlockVerdict::kStale);
}

TEST(VerifyTrackerTest, AJournalThatMayLagAcceptsNewerWritesOfThisRun) {
  ImageVerifier v(0, kRun);
  const std::uint32_t g = AckedWrite(v, 4);
  v.SetJournalMayLag(true);
  IntegrityCounts c;
  v.CheckRead(4 * kB, Block(g + 3, 4 * kB), &c);  // acknowledged after the last journal flush
  EXPECT_EQ(c.Problems(), 0u);
  v.CheckRead(4 * kB, Block(g + 3, 5 * kB), &c);  // but never at the wrong place
  EXPECT_EQ(c.misdirected, 1u);
}

}  // namespace
}  // namespace healbench
