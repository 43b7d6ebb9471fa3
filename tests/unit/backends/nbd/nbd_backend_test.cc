// The nbd backend's checks before any I/O: URLs of the wrong form and a missing url are
// refused with the exact message, and a server that is not there is an unavailable error
// naming the URL. The I/O itself is tested against real nbdkit in tests/integration.
#ifdef HEALBENCH_HAVE_NBD
#include "backends/nbd/nbd_backend.h"
#endif

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace healbench {
namespace {

#ifdef HEALBENCH_HAVE_NBD

TEST(NbdUrl, AcceptsTcpAndUnixForms) {
  EXPECT_TRUE(CheckNbdUrl("nbd://127.0.0.1:10809").ok());
  EXPECT_TRUE(CheckNbdUrl("nbd://host/export").ok());
  EXPECT_TRUE(CheckNbdUrl("nbds://host:10809/export").ok());
  EXPECT_TRUE(CheckNbdUrl("nbd+unix:///export?socket=/run/nbd.sock").ok());
}

TEST(NbdUrl, RefusesOtherSchemesWithTheFormsExpected) {
  auto rc = CheckNbdUrl("http://127.0.0.1:10809");
  ASSERT_FALSE(rc.ok());
  EXPECT_EQ(rc.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(rc.error().message,
            "backend.url \"http://127.0.0.1:10809\" is not an NBD URL: expected "
            "nbd://HOST[:PORT][/EXPORT] or nbd+unix:///EXPORT?socket=PATH (or nbds:// for TLS)");
  EXPECT_FALSE(CheckNbdUrl("nbd://").ok());
  EXPECT_FALSE(CheckNbdUrl("").ok());
}

TEST(NbdUrl, UnixUrlNeedsASocket) {
  auto rc = CheckNbdUrl("nbd+unix:///export");
  ASSERT_FALSE(rc.ok());
  EXPECT_EQ(rc.error().message,
            "backend.url \"nbd+unix:///export\" names no socket: expected "
            "nbd+unix:///EXPORT?socket=PATH");
}

TEST(NbdUrl, ReadFromOptionsWithoutTomlQuotes) {
  auto url = NbdUrlFromOptions({{"url", "\"nbd://127.0.0.1:10809/vm\""}});
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(*url, "nbd://127.0.0.1:10809/vm");
  url = NbdUrlFromOptions({{"url", "'nbd+unix:///?socket=/tmp/a b.sock'"}});
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(*url, "nbd+unix:///?socket=/tmp/a b.sock");
}

TEST(NbdUrl, MissingUrlIsBadInput) {
  auto url = NbdUrlFromOptions({});
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(url.error().message.rfind("backend.url is required for kind = \"nbd\": expected", 0),
            0u);
}

TEST(NbdBackend, ServerNotThereIsUnavailableNamingTheUrl) {
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
  const std::string url = "nbd://127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  auto b = MakeNbdBackend({url});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(b.error().message.rfind("connect to " + url + ": ", 0), 0u) << b.error().message;
}

#else

TEST(NbdBackend, NotBuilt) { GTEST_SKIP() << "built without libnbd (install libnbd-dev)"; }

#endif

}  // namespace
}  // namespace healbench
