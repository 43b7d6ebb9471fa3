// A node's server-replication roles: which writes each role takes, a node that lacks writes
// refusing to become primary (ESTALE, with the reason), and the role surviving a restart.
#include "backends/refcluster/node_replication.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>

namespace healbench::ref {
namespace {

class NodeReplicationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("healbench-node-replication-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static FrameHeader Role(NodeRole role) {
    FrameHeader h;
    h.type = static_cast<std::uint8_t>(FrameType::kSetRole);
    h.flags = static_cast<std::uint16_t>(role);
    h.length = 200;  // peer timeout, ms
    return h;
  }
  static FrameHeader Write(std::uint16_t flags) {
    FrameHeader h;
    h.type = static_cast<std::uint8_t>(FrameType::kWrite);
    h.flags = flags;
    return h;
  }
  static std::span<const std::uint8_t> Peer() {
    // Nothing listens on port 1: the primary keeps trying in the background, harmlessly.
    static const std::string kPeer = "127.0.0.1:1";
    return {reinterpret_cast<const std::uint8_t*>(kPeer.data()), kPeer.size()};
  }

  std::filesystem::path dir_;
};

TEST_F(NodeReplicationTest, SecondaryTakesOnlyWritesFromAPrimary) {
  ImageStore store(dir_.string());
  Image* img = *store.Open("vm-0", 4u << 20);
  NodeReplication node(dir_.string(), "");
  node.ImageOpened(img);
  std::string reason;
  ASSERT_EQ(node.SetRole(Role(NodeRole::kSecondary), {}, &reason), 0) << reason;
  const std::vector<std::uint8_t> data(4096, 7);
  std::uint32_t copies = 0;
  int local_writes = 0;
  const LocalWrite local = [&](std::span<const std::uint8_t>) { return ++local_writes, 0; };
  EXPECT_EQ(node.Write(img, Write(0), data, &copies, local), EROFS);
  EXPECT_EQ(node.Write(img, Write(kFlagReplica), data, &copies, local), 0);
  EXPECT_EQ(node.Write(img, Write(kFlagHeal), data, &copies, local), 0);
  EXPECT_EQ(local_writes, 2);
}

TEST_F(NodeReplicationTest, PrimaryRefusesReplicaAndResyncWrites) {
  ImageStore store(dir_.string());
  Image* img = *store.Open("vm-0", 4u << 20);
  NodeReplication node(dir_.string(), "");
  node.ImageOpened(img);
  std::string reason;
  ASSERT_EQ(node.SetRole(Role(NodeRole::kPrimary), Peer(), &reason), 0) << reason;
  const std::vector<std::uint8_t> data(4096, 7);
  std::uint32_t copies = 0;
  const LocalWrite local = [](std::span<const std::uint8_t>) { return 0; };
  EXPECT_EQ(node.Write(img, Write(kFlagReplica), data, &copies, local), EPERM);
  EXPECT_EQ(node.Write(img, Write(kFlagHeal), data, &copies, local), EPERM);
  EXPECT_EQ(node.Status().role, "primary");
  EXPECT_EQ(node.Status().peer, "127.0.0.1:1");
  EXPECT_EQ(node.Status().peer_state, "disconnected");
}

TEST_F(NodeReplicationTest, PrimaryAloneMarksWhatItWrites) {
  ImageStore store(dir_.string());
  Image* img = *store.Open("vm-0", 4u << 20);
  NodeReplication node(dir_.string(), "");
  node.ImageOpened(img);
  std::string reason;
  ASSERT_EQ(node.SetRole(Role(NodeRole::kPrimary), Peer(), &reason), 0) << reason;
  const std::vector<std::uint8_t> data(4096, 7);
  std::uint32_t copies = 0;
  FrameHeader w = Write(0);
  w.offset = (2u << 20) + 512;
  ASSERT_EQ(node.Write(img, w, data, &copies,
                       [&](std::span<const std::uint8_t> d) { return img->Write(w.offset, d); }),
            0);
  EXPECT_EQ(copies, 1u) << "no secondary: the primary alone holds the write";
  EXPECT_EQ(img->PendingRegions(), 1u);
  EXPECT_EQ(node.Status().dirty_bytes, kRegionBytes);
}

TEST_F(NodeReplicationTest, InconsistentSecondaryRefusesToBecomePrimary) {
  ImageStore store(dir_.string());
  Image* img = *store.Open("vm-0", 4u << 20);
  NodeReplication node(dir_.string(), "");
  node.ImageOpened(img);
  std::string reason;
  ASSERT_EQ(node.SetRole(Role(NodeRole::kSecondary), {}, &reason), 0);
  ASSERT_EQ(img->SetPending(kRegionBytes, 2 * kRegionBytes, true), 0);  // a resync's marks
  EXPECT_FALSE(node.Status().consistent);
  EXPECT_EQ(node.SetRole(Role(NodeRole::kPrimary), Peer(), &reason), ESTALE);
  EXPECT_NE(reason.find("inconsistent: 2.0 MiB not yet resynced"), std::string::npos) << reason;
  EXPECT_EQ(node.Status().role, "secondary");
  // Once the resync cleared the marks it may take over.
  ASSERT_EQ(img->SetPending(0, 4u << 20, false), 0);
  EXPECT_EQ(node.SetRole(Role(NodeRole::kPrimary), Peer(), &reason), 0) << reason;
  EXPECT_EQ(node.Status().role, "primary");
}

TEST_F(NodeReplicationTest, RoleSurvivesARestart) {
  {
    NodeReplication node(dir_.string(), "");
    std::string reason;
    ASSERT_EQ(node.SetRole(Role(NodeRole::kSecondary), {}, &reason), 0);
  }
  NodeReplication again(dir_.string(), "");
  EXPECT_EQ(again.Status().role, "secondary");
}

TEST_F(NodeReplicationTest, BadRequestsAreRefused) {
  NodeReplication node(dir_.string(), "");
  std::string reason;
  EXPECT_EQ(node.SetRole(Role(static_cast<NodeRole>(9)), {}, &reason), EINVAL);
  EXPECT_NE(reason.find("unknown role 9"), std::string::npos) << reason;
  const std::string bad = "no-port";
  EXPECT_EQ(node.SetRole(Role(NodeRole::kPrimary),
                         {reinterpret_cast<const std::uint8_t*>(bad.data()), bad.size()}, &reason),
            EINVAL);
  EXPECT_NE(reason.find("expected HOST:PORT"), std::string::npos) << reason;
}

}  // namespace
}  // namespace healbench::ref
