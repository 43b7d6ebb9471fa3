// iscsi:// URLs: the parts libiscsi logs in with, and the exact message for each way a URL
// can be wrong. No target is needed; the I/O is tested against real tgtd in tests/integration.
#ifdef HEALBENCH_HAVE_ISCSI
#include "backends/iscsi/iscsi_url.h"
#endif

#include <gtest/gtest.h>

namespace healbench {
namespace {

#ifdef HEALBENCH_HAVE_ISCSI

TEST(IscsiUrl, SplitsPortalTargetAndLun) {
  auto t = ParseIscsiUrl("iscsi://127.0.0.1:3261/iqn.2026-01.org.example:disk1/1");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->portal, "127.0.0.1:3261");
  EXPECT_EQ(t->iqn, "iqn.2026-01.org.example:disk1");
  EXPECT_EQ(t->lun, 1);
  EXPECT_EQ(t->url, "iscsi://127.0.0.1:3261/iqn.2026-01.org.example:disk1/1");
}

TEST(IscsiUrl, PortDefaultsTo3260AndIpv6HostsKeepTheirBrackets) {
  auto t = ParseIscsiUrl("iscsi://storage1/iqn.2026-01.org.example:disk1/0");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->portal, "storage1:3260");
  EXPECT_EQ(t->lun, 0);
  auto v6 = ParseIscsiUrl("iscsi://[::1]:3262/iqn.2026-01.org.example:d/2");
  ASSERT_TRUE(v6.ok()) << v6.error().message;
  EXPECT_EQ(v6->portal, "[::1]:3262");
  auto v6_default = ParseIscsiUrl("iscsi://[::1]/iqn.2026-01.org.example:d/2");
  ASSERT_TRUE(v6_default.ok()) << v6_default.error().message;
  EXPECT_EQ(v6_default->portal, "[::1]:3260");
}

TEST(IscsiUrl, RefusesOtherSchemesWithTheFormExpected) {
  auto t = ParseIscsiUrl("nbd://127.0.0.1:10809");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(t.error().message,
            "backend.url \"nbd://127.0.0.1:10809\" is not an iSCSI URL: expected "
            "iscsi://HOST[:PORT]/TARGET-IQN/LUN");
}

TEST(IscsiUrl, NamesWhatIsMissingOrWrong) {
  EXPECT_EQ(ParseIscsiUrl("iscsi://host").error().message,
            "backend.url \"iscsi://host\" names no target: expected "
            "iscsi://HOST[:PORT]/TARGET-IQN/LUN");
  EXPECT_EQ(ParseIscsiUrl("iscsi://host/iqn.x:y").error().message,
            "backend.url \"iscsi://host/iqn.x:y\" names no LUN: expected "
            "iscsi://HOST[:PORT]/TARGET-IQN/LUN");
  EXPECT_EQ(ParseIscsiUrl("iscsi://host/iqn.x:y/one").error().message,
            "backend.url \"iscsi://host/iqn.x:y/one\" has LUN \"one\" (a number 0..16383): "
            "expected iscsi://HOST[:PORT]/TARGET-IQN/LUN");
  EXPECT_EQ(ParseIscsiUrl("iscsi://host:99999/iqn.x:y/1").error().message,
            "backend.url \"iscsi://host:99999/iqn.x:y/1\" has port \"99999\": expected "
            "iscsi://HOST[:PORT]/TARGET-IQN/LUN");
  EXPECT_EQ(ParseIscsiUrl("iscsi://:3260/iqn.x:y/1").error().message,
            "backend.url \"iscsi://:3260/iqn.x:y/1\" names no host: expected "
            "iscsi://HOST[:PORT]/TARGET-IQN/LUN");
  EXPECT_FALSE(ParseIscsiUrl("iscsi://host//1").ok());
  EXPECT_FALSE(ParseIscsiUrl("iscsi://host/iqn.x:y/-1").ok());
}

TEST(IscsiUrl, CredentialsAreNotSupported) {
  auto t = ParseIscsiUrl("iscsi://user%secret@host/iqn.x:y/1");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::kNotSupported);
}

TEST(IscsiUrl, OptionsNeedAUrlAndHaveTheirTomlQuotesRemoved) {
  auto missing = IscsiTargetFromOptions({});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message,
            "backend.url is required for kind = \"iscsi\": expected "
            "iscsi://HOST[:PORT]/TARGET-IQN/LUN");
  auto t = IscsiTargetFromOptions({{"url", "\"iscsi://127.0.0.1:3261/iqn.x:y/1\""}});
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->iqn, "iqn.x:y");
}

#else
TEST(IscsiUrl, SkippedWithoutLibiscsi) { GTEST_SKIP() << "built without libiscsi"; }
#endif

}  // namespace
}  // namespace healbench
