// The "diff" heal between two real node servers on loopback: only chunks whose checksums
// differ are copied, the replicas are byte-identical afterwards, and identical replicas cost
// no copy at all. Also the CHECKSUM frame's limits.
#include "backends/refcluster/diff_heal.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <thread>

#include "backends/refcluster/chunk_checksum.h"
#include "backends/refcluster/node_server.h"

namespace healbench::ref {
namespace {

constexpr Nanos kTimeout = 5 * kNsPerSec;
constexpr std::uint32_t kImageBytes = 4u << 20;

// One node server on 127.0.0.1 with its own data directory, served on a thread.
class RunningNode {
 public:
  RunningNode() {
    std::string pattern = ::testing::TempDir() + "healbench_diff_XXXXXX";
    EXPECT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    NodeOptions options;
    options.dir = dir_;
    server_ = std::make_unique<NodeServer>(options);
    auto rc = server_->Start();
    EXPECT_TRUE(rc.ok()) << rc.error().message;
    thread_ = std::thread([this] { server_->Serve(stop_); });
  }
  ~RunningNode() {
    stop_.store(true);
    thread_.join();
    std::filesystem::remove_all(dir_);
  }
  HostPort addr() const { return {"127.0.0.1", server_->port()}; }

 private:
  std::string dir_;
  std::unique_ptr<NodeServer> server_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

FrameHeader Header(FrameType type, std::uint64_t offset, std::uint32_t length) {
  FrameHeader h;
  h.type = static_cast<std::uint8_t>(type);
  h.image = 0;
  h.offset = offset;
  h.length = length;
  return h;
}

class DiffHealTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = Connect(a_);
    target_ = Connect(b_);
    std::mt19937 rng(7);
    base_.resize(kImageBytes);
    for (auto& x : base_) x = static_cast<std::uint8_t>(rng());
    Write(*source_, 0, base_);
    Write(*target_, 0, base_);
  }
  void TearDown() override {
    if (source_) source_->Close();
    if (target_) target_->Close();
  }

  static std::unique_ptr<ReplicaConnection> Connect(const RunningNode& node) {
    auto c = ReplicaConnection::Open(node.addr(), "", kTimeout);
    EXPECT_TRUE(c.ok()) << c.error().message;
    const std::string name = "vm-0";
    auto r =
        (*c)->Call(Header(FrameType::kOpenImage, kImageBytes, 0),
                   {reinterpret_cast<const std::uint8_t*>(name.data()), name.size()}, kTimeout);
    EXPECT_TRUE(r.ok() && r->status == 0);
    return std::move(*c);
  }
  static void Write(ReplicaConnection& c, std::uint64_t offset,
                    std::span<const std::uint8_t> data) {
    auto r = c.Call(Header(FrameType::kWrite, offset, static_cast<std::uint32_t>(data.size())),
                    data, kTimeout);
    ASSERT_TRUE(r.ok() && r->status == 0);
  }
  static std::vector<std::uint8_t> ReadAllOf(ReplicaConnection& c) {
    auto r = c.Call(Header(FrameType::kRead, 0, kImageBytes), {}, kTimeout);
    EXPECT_TRUE(r.ok() && r->status == 0);
    return r.ok() ? r->payload : std::vector<std::uint8_t>{};
  }

  RunningNode a_, b_;
  std::unique_ptr<ReplicaConnection> source_, target_;
  std::vector<std::uint8_t> base_;
};

TEST_F(DiffHealTest, CopiesOnlyTheDifferingChunksAndLeavesReplicasIdentical) {
  const std::uint8_t one = 0x42;
  Write(*target_, 5 * kChecksumChunkBytes + 777, std::span(&one, 1));  // chunk 5
  // 100 KiB from the middle of chunk 20: chunks 20 and 21 (adjacent: one copy).
  const std::vector<std::uint8_t> junk(100 << 10, 0xEE);
  Write(*target_, 20 * kChecksumChunkBytes + 4096, junk);
  Write(*target_, kImageBytes - 1, std::span(&one, 1));  // the last chunk
  ASSERT_NE(ReadAllOf(*target_), base_);

  DiffHealStats stats;
  auto rc = DiffHealRange(*source_, *target_, 0, 0, kImageBytes, kTimeout, &stats);
  ASSERT_TRUE(rc.ok()) << rc.error().message;
  EXPECT_EQ(stats.compared_bytes, kImageBytes);
  EXPECT_EQ(stats.copied_bytes, 4u * kChecksumChunkBytes);
  EXPECT_EQ(ReadAllOf(*target_), base_);
  EXPECT_EQ(ReadAllOf(*source_), base_);
}

TEST_F(DiffHealTest, IdenticalReplicasCopyNothing) {
  DiffHealStats stats;
  auto rc = DiffHealRange(*source_, *target_, 0, 1 << 20, 1 << 20, kTimeout, &stats);
  ASSERT_TRUE(rc.ok()) << rc.error().message;
  EXPECT_EQ(stats.compared_bytes, 1u << 20);
  EXPECT_EQ(stats.copied_bytes, 0u);
}

TEST_F(DiffHealTest, HealsAShortTailRange) {
  const std::uint8_t one = 0x42;
  Write(*target_, kImageBytes - 10, std::span(&one, 1));
  DiffHealStats stats;
  auto rc = DiffHealRange(*source_, *target_, 0, kImageBytes - 1000, 1000, kTimeout, &stats);
  ASSERT_TRUE(rc.ok()) << rc.error().message;
  EXPECT_EQ(stats.copied_bytes, 1000u);
  EXPECT_EQ(ReadAllOf(*target_), base_);
}

TEST_F(DiffHealTest, ChecksumFrameAnswersOneSumPerChunk) {
  auto r =
      source_->Call(Header(FrameType::kChecksum, 0, 3 * kChecksumChunkBytes + 1), {}, kTimeout);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 0);
  EXPECT_EQ(r->header.offset, kChecksumChunkBytes);
  auto sums = DecodeChunkChecksums(r->payload);
  ASSERT_TRUE(sums.ok());
  ASSERT_EQ(sums->size(), 4u);
  EXPECT_EQ((*sums)[2],
            ChunkChecksum(std::span(base_).subspan(2 * kChecksumChunkBytes, kChecksumChunkBytes)));
}

TEST_F(DiffHealTest, ChecksumFrameRefusesOversizedAndOutOfImageRanges) {
  auto big = source_->Call(Header(FrameType::kChecksum, 0, kMaxPayloadBytes + 1), {}, kTimeout);
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->status, EINVAL);
  auto past = source_->Call(Header(FrameType::kChecksum, kImageBytes - 10, 20), {}, kTimeout);
  ASSERT_TRUE(past.ok());
  EXPECT_EQ(past->status, EINVAL);
  EXPECT_TRUE(past->payload.empty());
}

}  // namespace
}  // namespace healbench::ref
