// The test fault wrapper on a real image file: which guest writes are dropped or corrupted,
// what reads return after a heal, that heal writes and inspection reads are told apart, and
// that the ground-truth counters say exactly what is wrong.
#include "backends/refcluster/test_faults.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "backends/refcluster/protocol.h"

namespace healbench::ref {
namespace {

constexpr std::uint64_t kSector = kFaultSectorBytes;

class TestFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "healbench_faults_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto img = Image::Open(dir_, "vm-0", 1 << 20);
    ASSERT_TRUE(img.ok()) << img.error().message;
    img_ = std::move(*img);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<TestFaults> Faults(std::vector<std::string> modes) {
    std::vector<TestFaultMode> parsed;
    for (const std::string& m : modes) parsed.push_back(*ParseTestFaultMode(m));
    auto f = std::make_unique<TestFaults>(parsed, dir_);
    f->Track("vm-0");
    return f;
  }
  static std::vector<std::uint8_t> Fill(std::uint64_t bytes, std::uint8_t value) {
    return std::vector<std::uint8_t>(bytes, value);
  }
  std::vector<std::uint8_t> Stored(std::uint64_t offset, std::uint64_t bytes) {
    std::vector<std::uint8_t> out(bytes);
    EXPECT_EQ(img_->Read(offset, out), 0);
    return out;
  }
  std::vector<std::uint8_t> Served(TestFaults& f, std::uint64_t offset, std::uint64_t bytes,
                                   std::uint16_t flags = 0) {
    std::vector<std::uint8_t> out(bytes);
    EXPECT_EQ(f.Read(*img_, offset, out, flags), 0);
    return out;
  }

  std::string dir_;
  std::unique_ptr<Image> img_;
};

TEST_F(TestFaultsTest, AckDropEveryThirdGuestWriteIsAcknowledgedButNotStored) {
  auto f = Faults({"ack-drop:every=3"});
  for (std::uint64_t i = 0; i < 9; ++i) {
    ASSERT_EQ(f->Write(*img_, i * kSector, Fill(kSector, 0xAB), 0), 0) << "write " << i;
  }
  for (std::uint64_t i = 0; i < 9; ++i) {
    const bool dropped = (i + 1) % 3 == 0;
    EXPECT_EQ(Stored(i * kSector, kSector), Fill(kSector, dropped ? 0 : 0xAB)) << "sector " << i;
  }
  TestFaultCounters c = f->Counters("vm-0");
  EXPECT_EQ(c.dropped_writes, 3u);
  EXPECT_EQ(c.dropped_sectors, 3u);
  // A stored guest write over a dropped sector (write 10: not a multiple of 3) ends it.
  ASSERT_EQ(f->Write(*img_, 2 * kSector, Fill(kSector, 0xCD), 0), 0);
  c = f->Counters("vm-0");
  EXPECT_EQ(c.dropped_sectors, 2u);
  EXPECT_EQ(c.dropped_writes, 3u);
}

TEST_F(TestFaultsTest, AckDropCountsEverySectorOfTheWrite) {
  auto f = Faults({"ack-drop:every=1"});
  ASSERT_EQ(f->Write(*img_, 8 * kSector + 512, Fill(4 * kSector, 0x11), 0), 0);
  const TestFaultCounters c = f->Counters("vm-0");
  EXPECT_EQ(c.dropped_writes, 1u);
  EXPECT_EQ(c.dropped_sectors, 5u);  // 4 sectors' worth starting mid-sector touches 5
  EXPECT_EQ(Stored(8 * kSector, 5 * kSector), Fill(5 * kSector, 0));
}

TEST_F(TestFaultsTest, DivergeFlipsByte2048OfEverySectorItCovers) {
  auto f = Faults({"diverge:every=2"});
  ASSERT_EQ(f->Write(*img_, 0, Fill(2 * kSector, 0x5A), 0), 0);            // write 1: clean
  ASSERT_EQ(f->Write(*img_, 4 * kSector, Fill(2 * kSector, 0x5A), 0), 0);  // write 2: corrupt
  EXPECT_EQ(Stored(0, 2 * kSector), Fill(2 * kSector, 0x5A));
  std::vector<std::uint8_t> want = Fill(2 * kSector, 0x5A);
  want[kDivergeByteInSector] ^= 0xFF;
  want[kSector + kDivergeByteInSector] ^= 0xFF;
  EXPECT_EQ(Stored(4 * kSector, 2 * kSector), want);
  EXPECT_EQ(f->Counters("vm-0").diverged_sectors, 2u);
  // A clean guest write (write 3) repairs sector 4; a heal write repairs sector 5.
  ASSERT_EQ(f->Write(*img_, 4 * kSector, Fill(kSector, 0x5A), 0), 0);
  EXPECT_EQ(f->Counters("vm-0").diverged_sectors, 1u);
  ASSERT_EQ(f->Write(*img_, 5 * kSector, Fill(kSector, 0x5A), kFlagHeal), 0);
  EXPECT_EQ(f->Counters("vm-0").diverged_sectors, 0u);
  EXPECT_EQ(Stored(4 * kSector, 2 * kSector), Fill(2 * kSector, 0x5A));
}

TEST_F(TestFaultsTest, DivergeSkipsASectorWhoseByte2048TheWriteDoesNotCover) {
  auto f = Faults({"diverge:every=1"});
  ASSERT_EQ(f->Write(*img_, 0, Fill(1024, 0x77), 0), 0);
  EXPECT_EQ(Stored(0, 1024), Fill(1024, 0x77));
  EXPECT_EQ(f->Counters("vm-0").diverged_sectors, 0u);
}

TEST_F(TestFaultsTest, StaleAfterHealServesPreHealContentUntilAGuestWrite) {
  auto f = Faults({"stale-after-heal"});
  ASSERT_EQ(f->Write(*img_, 0, Fill(2 * kSector, 0xAA), 0), 0);
  ASSERT_EQ(f->Write(*img_, 0, Fill(2 * kSector, 0xBB), kFlagHeal), 0);
  EXPECT_EQ(Stored(0, 2 * kSector), Fill(2 * kSector, 0xBB));      // stored…
  EXPECT_EQ(Served(*f, 0, 2 * kSector), Fill(2 * kSector, 0xAA));  // …but not served
  TestFaultCounters c = f->Counters("vm-0");
  EXPECT_EQ(c.stale_sectors_now, 2u);
  EXPECT_EQ(c.stale_sectors_served, 2u);
  // An inspection read sees the same stale data but is not counted.
  EXPECT_EQ(Served(*f, 0, 2 * kSector, kFlagInspect), Fill(2 * kSector, 0xAA));
  EXPECT_EQ(f->Counters("vm-0").stale_sectors_served, 2u);
  // A read that touches one byte of a stale sector counts that sector once.
  EXPECT_EQ(Served(*f, kSector - 1, 2), Fill(2, 0xAA));
  EXPECT_EQ(f->Counters("vm-0").stale_sectors_served, 4u);
  // A guest write over sector 0 makes it current again; sector 1 stays stale.
  ASSERT_EQ(f->Write(*img_, 0, Fill(kSector, 0xCC), 0), 0);
  std::vector<std::uint8_t> want = Fill(kSector, 0xCC);
  const std::vector<std::uint8_t> stale = Fill(kSector, 0xAA);
  want.insert(want.end(), stale.begin(), stale.end());
  EXPECT_EQ(Served(*f, 0, 2 * kSector), want);
  c = f->Counters("vm-0");
  EXPECT_EQ(c.stale_sectors_now, 1u);
  EXPECT_EQ(c.stale_sectors_served, 5u);
}

TEST_F(TestFaultsTest, HealWriteThatChangesNothingLeavesNoStaleSector) {
  auto f = Faults({"stale-after-heal"});
  ASSERT_EQ(f->Write(*img_, 0, Fill(kSector, 0xAA), 0), 0);
  ASSERT_EQ(f->Write(*img_, 0, Fill(2 * kSector, 0xAA), kFlagHeal), 0);  // sector 1 was zeros
  EXPECT_EQ(f->Counters("vm-0").stale_sectors_now, 1u);
  EXPECT_EQ(Served(*f, 0, 2 * kSector, kFlagInspect).back(), 0);
}

TEST_F(TestFaultsTest, HealWritesAreNeitherCountedNorDroppedAndEndADrop) {
  auto f = Faults({"ack-drop:every=2"});
  ASSERT_EQ(f->Write(*img_, 0, Fill(kSector, 1), 0), 0);                // guest 1: stored
  ASSERT_EQ(f->Write(*img_, kSector, Fill(kSector, 2), kFlagHeal), 0);  // heal: stored
  ASSERT_EQ(f->Write(*img_, 2 * kSector, Fill(kSector, 3), 0), 0);      // guest 2: dropped
  EXPECT_EQ(Stored(kSector, kSector), Fill(kSector, 2));
  EXPECT_EQ(Stored(2 * kSector, kSector), Fill(kSector, 0));
  EXPECT_EQ(f->Counters("vm-0").dropped_sectors, 1u);
  ASSERT_EQ(f->Write(*img_, 2 * kSector, Fill(kSector, 3), kFlagHeal), 0);  // healed
  EXPECT_EQ(f->Counters("vm-0").dropped_sectors, 0u);
  EXPECT_EQ(f->Counters("vm-0").dropped_writes, 1u);
}

TEST_F(TestFaultsTest, AckDropWinsWhenBothModesPickTheSameWrite) {
  auto f = Faults({"ack-drop:every=2", "diverge:every=2"});
  ASSERT_EQ(f->Write(*img_, 0, Fill(kSector, 1), 0), 0);
  ASSERT_EQ(f->Write(*img_, kSector, Fill(kSector, 2), 0), 0);
  const TestFaultCounters c = f->Counters("vm-0");
  EXPECT_EQ(c.dropped_writes, 1u);
  EXPECT_EQ(c.diverged_sectors, 0u);
}

TEST_F(TestFaultsTest, OutOfRangeWriteFailsAndIsNotCounted) {
  auto f = Faults({"ack-drop:every=1"});
  EXPECT_EQ(f->Write(*img_, (1 << 20) - 100, Fill(kSector, 1), 0), EINVAL);
  EXPECT_EQ(f->Counters("vm-0").dropped_writes, 0u);
}

TEST_F(TestFaultsTest, JsonAndSummaryLineCarryEveryCounter) {
  auto f = Faults({"ack-drop:every=1"});
  ASSERT_EQ(f->Write(*img_, 0, Fill(kSector, 1), 0), 0);
  EXPECT_EQ(f->CountersJson("vm-0"),
            "{\"dropped_sectors\":1,\"dropped_writes\":1,\"diverged_sectors\":0,"
            "\"stale_sectors_now\":0,\"stale_sectors_served\":0}");
  EXPECT_EQ(f->SummaryLines(),
            "test-faults: image=vm-0 dropped_sectors=1 dropped_writes=1 diverged_sectors=0 "
            "stale_sectors_now=0 stale_sectors_served=0\n");
}

}  // namespace
}  // namespace healbench::ref
