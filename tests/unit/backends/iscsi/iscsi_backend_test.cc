// The iscsi backend before any I/O: a target that is not there is an unavailable error
// naming the URL, returned at once rather than after a hang. I/O against real tgtd is in
// tests/integration/iscsi_backend_test.sh.
#ifdef HEALBENCH_HAVE_ISCSI
#include "backends/iscsi/iscsi_backend.h"
#endif

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace healbench {
namespace {

#ifdef HEALBENCH_HAVE_ISCSI

TEST(IscsiBackend, TargetNotThereIsUnavailableNamingTheUrl) {
  // A port that was free a moment ago: bound, then closed without listening.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), len), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  close(fd);
  const std::string url =
      "iscsi://127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/iqn.2026-01.org.test:none/1";
  auto b = MakeIscsiBackendFromOptions({{"url", "\"" + url + "\""}});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(b.error().message.rfind("connect to " + url + ": ", 0), 0u) << b.error().message;
}

TEST(IscsiBackend, BadUrlIsBadInputBeforeAnyConnect) {
  auto b = MakeIscsiBackendFromOptions({{"url", "\"iscsi://127.0.0.1:1/iqn.x:y\""}});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::kBadInput);
}

#else
TEST(IscsiBackend, NotBuilt) { GTEST_SKIP() << "built without libiscsi (install libiscsi-dev)"; }
#endif

}  // namespace
}  // namespace healbench
