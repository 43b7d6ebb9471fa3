// The replication status codec: what a node writes reads back field for field, also from
// inside a whole STATUS reply, and malformed or missing fields are errors, not guesses.
#include "backends/refcluster/replication_status.h"

#include <gtest/gtest.h>

namespace healbench::ref {
namespace {

ReplicationStatus Sample() {
  ReplicationStatus s;
  s.role = "primary";
  s.peer = "127.0.0.1:7001";
  s.peer_state = "resyncing";
  s.consistent = true;
  s.dirty_bytes = 5u << 20;
  s.resync_total_bytes = 64u << 20;
  s.resync_done_bytes = 59u << 20;
  s.why = "";
  return s;
}

TEST(ReplicationStatus, RoundTripKeepsEveryField) {
  auto back = ParseReplicationStatus(ReplicationStatusJson(Sample()));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->role, "primary");
  EXPECT_EQ(back->peer, "127.0.0.1:7001");
  EXPECT_EQ(back->peer_state, "resyncing");
  EXPECT_TRUE(back->consistent);
  EXPECT_EQ(back->dirty_bytes, 5u << 20);
  EXPECT_EQ(back->resync_total_bytes, 64u << 20);
  EXPECT_EQ(back->resync_done_bytes, 59u << 20);
  EXPECT_EQ(back->why, "");
}

TEST(ReplicationStatus, ReadsTheObjectInsideANodeStatusReply) {
  ReplicationStatus s;
  s.role = "secondary";
  s.consistent = false;
  s.dirty_bytes = 3u << 20;
  s.why = "missing writes the primary is resyncing";
  const std::string reply =
      R"({"images":[{"name":"vm-0","size_bytes":1048576,"pending_regions":3,)"
      R"("pending_bytes":3145728,"test_faults":{"dropped":0}}],"replication":)" +
      ReplicationStatusJson(s) + "}";
  auto back = ParseReplicationStatus(reply);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->role, "secondary");
  EXPECT_FALSE(back->consistent);
  EXPECT_EQ(back->dirty_bytes, 3u << 20);
  EXPECT_EQ(back->why, "missing writes the primary is resyncing");
}

TEST(ReplicationStatus, QuotesAndBackslashesCannotBreakTheJson) {
  ReplicationStatus s = Sample();
  s.why = R"(a "quoted" \ reason)";
  auto back = ParseReplicationStatus(ReplicationStatusJson(s));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->why, "a quoted  reason");
}

TEST(ReplicationStatus, MissingObjectOrFieldIsAnError) {
  auto none = ParseReplicationStatus(R"({"images":[]})");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kBadInput);
  std::string json = ReplicationStatusJson(Sample());
  json.erase(json.find("\"dirty_bytes\""), std::string("\"dirty_bytes\":5242880,").size());
  auto missing = ParseReplicationStatus(json);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("replication.dirty_bytes: missing"), std::string::npos)
      << missing.error().message;
}

TEST(ReplicationStatus, BadValuesAreErrorsNamingTheField) {
  std::string json = ReplicationStatusJson(Sample());
  const std::string bad_role = std::string(json).replace(json.find("primary"), 7, "leader");
  auto r = ParseReplicationStatus(bad_role);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("replication.role: unknown role \"leader\""), std::string::npos)
      << r.error().message;
  const std::string bad_bool = std::string(json).replace(json.find("true"), 4, "yes!");
  auto b = ParseReplicationStatus(bad_bool);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("replication.consistent: not a boolean"), std::string::npos);
  const std::string bad_num = std::string(json).replace(json.find("5242880"), 7, "-5");
  auto n = ParseReplicationStatus(bad_num);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.error().message.find("replication.dirty_bytes: not an unsigned integer"),
            std::string::npos);
}

}  // namespace
}  // namespace healbench::ref
