// The ref backend's options: heal_algorithm "diff" is accepted, and backend.test_faults is
// parsed per node with errors that name the key, the value and what is wrong (exit 2).
#include "backends/refcluster/ref_options.h"

#include <gtest/gtest.h>

namespace healbench::ref {
namespace {

Result<RefOptions> Parse(std::map<std::string, std::string> options) {
  return ParseRefOptions(options);
}

void ExpectBadInput(const Result<RefOptions>& o, const std::string& part) {
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(ExitCodeFor(o.error()), 2);
  EXPECT_NE(o.error().message.find(part), std::string::npos) << o.error().message;
}

TEST(RefOptions, AcceptsEveryHealAlgorithm) {
  for (const char* a : {"full", "diff", "dirty"}) {
    auto o = Parse({{"heal_algorithm", std::string("\"") + a + "\""}});
    ASSERT_TRUE(o.ok()) << o.error().message;
    EXPECT_EQ(o->heal_algorithm, a);
  }
}

TEST(RefOptions, TestFaultsGoToTheirNodes) {
  auto o = Parse({{"replicas", "3"},
                  {"test_faults", R"(["node1=ack-drop:every=50", "node2=diverge:every=40", )"
                                  R"("node2=stale-after-heal"])"}});
  ASSERT_TRUE(o.ok()) << o.error().message;
  ASSERT_EQ(o->test_faults.size(), 2u);
  EXPECT_EQ(o->test_faults["node1"], std::vector<std::string>{"ack-drop:every=50"});
  EXPECT_EQ(o->test_faults["node2"],
            (std::vector<std::string>{"diverge:every=40", "stale-after-heal"}));
}

TEST(RefOptions, TestFaultsRejectAnUnknownModeOrBadN) {
  ExpectBadInput(Parse({{"test_faults", R"(["node1=explode:every=5"])"}}),
                 "backend.test_faults = [\"node1=explode:every=5\"] (kind = \"ref\"): expected "
                 "a list of \"NODE=MODE\"");
  ExpectBadInput(Parse({{"test_faults", R"(["node1=explode:every=5"])"}}),
                 "unknown mode \"explode\"");
  ExpectBadInput(Parse({{"test_faults", R"(["node1=ack-drop:every=0"])"}}), "N must be");
  ExpectBadInput(Parse({{"test_faults", R"(["ack-drop:every=3"])"}}), "ack-drop:every=3");
}

TEST(RefOptions, TestFaultsRejectANodeOutOfRange) {
  ExpectBadInput(Parse({{"test_faults", R"(["node3=ack-drop:every=5"])"}}),
                 "node names node1..node2 (backend.replicas = 2), not \"node3\"");
  ExpectBadInput(Parse({{"test_faults", R"(["nodeX=ack-drop:every=5"])"}}), "not \"nodeX\"");
}

TEST(RefOptions, TestFaultsRejectTwoModesOfAKindOnOneNode) {
  ExpectBadInput(
      Parse({{"test_faults", R"(["node1=ack-drop:every=5", "node1=ack-drop:every=7"])"}}),
      "node1 has \"ack-drop:every=5\" and \"ack-drop:every=7\"");
}

TEST(RefOptions, TestFaultsNeedSpawnedNodes) {
  ExpectBadInput(Parse({{"nodes", R"(["127.0.0.1:7000", "127.0.0.1:7001"])"},
                        {"test_faults", R"(["node1=ack-drop:every=5"])"}}),
                 "cannot be given together with backend.nodes");
}

}  // namespace
}  // namespace healbench::ref
