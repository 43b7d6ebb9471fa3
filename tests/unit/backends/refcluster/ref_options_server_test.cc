// The ref backend's server-replication options: replication = "server" with resync_rate
// (parsed like heal_rate), and the clear refusals: 3 replicas, a nodes list that is not 2.
#include <gtest/gtest.h>

#include "backends/refcluster/ref_options.h"

namespace healbench::ref {
namespace {

TEST(RefOptionsServer, ServerReplicationWithResyncRate) {
  auto o = ParseRefOptions({{"replication", "\"server\""}, {"resync_rate", "\"50MiB/s\""}});
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->replication, "server");
  EXPECT_EQ(o->resync_rate_bytes_per_s, 50u << 20);
  EXPECT_EQ(o->heal_rate_bytes_per_s, 0u);
  auto unbounded = ParseRefOptions({{"replication", "server"}, {"resync_rate", "0"}});
  ASSERT_TRUE(unbounded.ok()) << unbounded.error().message;
  EXPECT_EQ(unbounded->resync_rate_bytes_per_s, 0u);
}

TEST(RefOptionsServer, BadResyncRateNamesTheKey) {
  auto o = ParseRefOptions({{"replication", "server"}, {"resync_rate", "\"fast\""}});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(ExitCodeFor(o.error()), 2);
  EXPECT_NE(o.error().message.find("backend.resync_rate = \"fast\""), std::string::npos)
      << o.error().message;
}

TEST(RefOptionsServer, ThreeReplicasAreRefusedAsNotImplemented) {
  auto o = ParseRefOptions({{"replication", "server"}, {"replicas", "3"}});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().code, ErrorCode::kNotSupported);
  EXPECT_EQ(ExitCodeFor(o.error()), 2);
  EXPECT_NE(o.error().message.find("server replication runs on 2 nodes"), std::string::npos)
      << o.error().message;
  // Client replication keeps its 3 replicas.
  EXPECT_TRUE(ParseRefOptions({{"replication", "client"}, {"replicas", "3"}}).ok());
}

TEST(RefOptionsServer, ExternalNodesMustBeAPair) {
  auto o =
      ParseRefOptions({{"replication", "server"},
                       {"nodes", R"(["127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003"])"}});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().code, ErrorCode::kBadInput);
  EXPECT_NE(o.error().message.find("2 HOST:PORT addresses"), std::string::npos)
      << o.error().message;
}

TEST(RefOptionsServer, UnknownReplicationIsBadInput) {
  auto o = ParseRefOptions({{"replication", "\"quorum\""}});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().code, ErrorCode::kBadInput);
  EXPECT_NE(o.error().message.find("\"client\" or \"server\""), std::string::npos);
}

}  // namespace
}  // namespace healbench::ref
