// Addresses for the exposer and the Pushgateway: a bare port binds loopback, bad values
// name the option and the value.
#include "harness/metrics/metrics_endpoints.h"

#include <gtest/gtest.h>

namespace healbench {
namespace {

TEST(MetricsEndpoints, BarePortBindsLoopback) {
  EXPECT_EQ(*ExposerBindAddress("9464"), "127.0.0.1:9464");
  EXPECT_EQ(*ExposerBindAddress(":9464"), "127.0.0.1:9464");
  EXPECT_EQ(*ExposerBindAddress("0.0.0.0:9464"), "0.0.0.0:9464");
  EXPECT_EQ(*ExposerBindAddress("[::1]:9000"), "[::1]:9000");
}

TEST(MetricsEndpoints, BadListenAddressNamesOptionAndValue) {
  auto r = ExposerBindAddress("host:port");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kBadInput);
  EXPECT_NE(r.error().message.find("--metrics-listen \"host:port\""), std::string::npos);
  EXPECT_FALSE(ExposerBindAddress("70000").ok());
}

TEST(MetricsEndpoints, PushgatewayUrlSplitsIntoHostAndPort) {
  auto t = ParsePushgatewayUrl("http://127.0.0.1:9091/");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->host, "http://127.0.0.1");
  EXPECT_EQ(t->port, "9091");
  t = ParsePushgatewayUrl("pgw.example:9999");
  EXPECT_EQ(t->host, "http://pgw.example");
  EXPECT_EQ(t->port, "9999");
  t = ParsePushgatewayUrl("https://pgw.example");
  EXPECT_EQ(t->host, "https://pgw.example");
  EXPECT_EQ(t->port, "9091");
  EXPECT_FALSE(ParsePushgatewayUrl("http://pgw:9091/metrics").ok());
}

}  // namespace
}  // namespace healbench
