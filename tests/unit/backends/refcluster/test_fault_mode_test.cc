// Parsing of test fault modes: the three valid forms, and the exact error for each kind of
// bad text (unknown mode, missing or bad N).
#include "backends/refcluster/test_fault_mode.h"

#include <gtest/gtest.h>

namespace healbench::ref {
namespace {

TEST(TestFaultMode, ParsesAckDropWithItsPeriod) {
  auto m = ParseTestFaultMode("ack-drop:every=50");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->kind, TestFaultKind::kAckDrop);
  EXPECT_EQ(m->every, 50u);
  EXPECT_EQ(TestFaultModeText(*m), "ack-drop:every=50");
}

TEST(TestFaultMode, ParsesDivergeAndStaleAfterHeal) {
  auto d = ParseTestFaultMode("diverge:every=1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->kind, TestFaultKind::kDiverge);
  EXPECT_EQ(d->every, 1u);
  auto s = ParseTestFaultMode("stale-after-heal");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->kind, TestFaultKind::kStaleAfterHeal);
  EXPECT_EQ(TestFaultModeText(*s), "stale-after-heal");
}

TEST(TestFaultMode, RejectsUnknownModeNamingIt) {
  auto m = ParseTestFaultMode("drop-all:every=2");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::kBadInput);
  EXPECT_NE(m.error().message.find("test fault \"drop-all:every=2\": unknown mode \"drop-all\""),
            std::string::npos)
      << m.error().message;
}

TEST(TestFaultMode, RejectsMissingZeroNegativeAndTrailingN) {
  for (const char* bad : {"ack-drop", "ack-drop:", "ack-drop:every=", "ack-drop:every=0",
                          "diverge:every=-3", "diverge:every=5x", "diverge:every=99999999999",
                          "diverge:each=5", "stale-after-heal:every=2"}) {
    auto m = ParseTestFaultMode(bad);
    EXPECT_FALSE(m.ok()) << bad;
    if (!m.ok()) {
      EXPECT_EQ(m.error().code, ErrorCode::kBadInput);
      EXPECT_NE(m.error().message.find(std::string("\"") + bad + "\""), std::string::npos)
          << m.error().message;
    }
  }
}

}  // namespace
}  // namespace healbench::ref
