// The rbd backend's checks before any I/O: its keys with their defaults, the exact errors for
// bad values and for keys of other backends, and a monitor that is not there as an
// unavailable error naming the cluster, within the connect timeout. The I/O itself runs
// against a real local Ceph cluster in tests/integration/ceph_test.sh.
#ifdef HEALBENCH_HAVE_RBD
#include "backends/rbd/rbd_backend.h"

#include "backends/rbd/rbd_options.h"
#endif

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

namespace healbench {
namespace {

#ifdef HEALBENCH_HAVE_RBD

TEST(RbdOptions, DefaultsNeedNothing) {
  auto o = ParseRbdOptions({});
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->pool, "rbd");
  EXPECT_EQ(o->conf, "");
  EXPECT_EQ(o->client, "admin");
  EXPECT_TRUE(o->create);
  EXPECT_EQ(o->connect_timeout_s, 15);
}

TEST(RbdOptions, EveryKeyGiven) {
  auto o = ParseRbdOptions({{"pool", "\"vms\""},
                            {"conf", "\"/dev/null\""},  // exists, but is not a regular file
                            {"client", "\"client.hb\""},
                            {"create", "false"}});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().message,
            "backend.conf = \"/dev/null\" (kind = \"rbd\"): expected the path of an existing "
            "ceph.conf");
  char path[] = "/tmp/healbench-rbd-conf-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  o = ParseRbdOptions({{"pool", "\"vms\""},
                       {"conf", std::string("'") + path + "'"},
                       {"client", "\"client.hb\""},
                       {"create", "false"}});
  unlink(path);
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->pool, "vms");
  EXPECT_EQ(o->conf, path);
  EXPECT_EQ(o->client, "hb");  // "client." is the entity type, not part of the id
  EXPECT_FALSE(o->create);
}

TEST(RbdOptions, BadValuesNameKeyAndValue) {
  auto pool = ParseRbdOptions({{"pool", "\"a b\""}});
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(pool.error().message,
            "backend.pool = \"a b\" (kind = \"rbd\"): expected a pool name such as \"rbd\"");
  auto empty = ParseRbdOptions({{"pool", "\"\""}});
  ASSERT_FALSE(empty.ok());
  auto client = ParseRbdOptions({{"client", "\"client.\""}});
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().message,
            "backend.client = \"client.\" (kind = \"rbd\"): expected a client id such as "
            "\"admin\"");
  auto conf = ParseRbdOptions({{"conf", "\"/nonexistent/ceph.conf\""}});
  ASSERT_FALSE(conf.ok());
  EXPECT_EQ(conf.error().message,
            "backend.conf = \"/nonexistent/ceph.conf\" (kind = \"rbd\"): expected the path of an "
            "existing ceph.conf");
}

TEST(RbdOptions, KeysOfOtherBackendsAreRefused) {
  auto o = ParseRbdOptions({{"volume", "\"gv0\""}});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(o.error().message,
            "backend.volume does not apply to kind = \"rbd\" (its keys: pool, conf, client, "
            "create)");
}

// A port on loopback that nothing listens on: bound, then closed.
int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  close(fd);
  return ntohs(a.sin_port);
}

TEST(RbdBackend, MonitorNotThereIsUnavailableNamingTheClusterWithinTheTimeout) {
  const int port = FreeLoopbackPort();
  char path[] = "/tmp/healbench-rbd-conf-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream conf(path);
    conf << "[global]\nmon_host = 127.0.0.1:" << port
         << "\nauth_client_required = none\nlog_to_stderr = false\nlog_file = /dev/null\n"
            "admin_socket = \n";
  }
  const auto start = std::chrono::steady_clock::now();
  auto b = MakeRbdBackend(true, {{"conf", std::string("\"") + path + "\""}});
  const auto waited = std::chrono::steady_clock::now() - start;
  unlink(path);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::kUnavailable);
  const std::string& m = b.error().message;
  EXPECT_NE(m.find("connect to ceph cluster at 127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(std::string("conf ") + path), std::string::npos) << m;
  EXPECT_NE(m.find("waited at most 15 s"), std::string::npos) << m;
  // Bounded by client_mount_timeout, not librados' default 300 s.
  EXPECT_LT(waited, std::chrono::seconds(40));
}

#else

TEST(RbdBackend, NotBuilt) { GTEST_SKIP() << "built without librbd (install librbd-dev)"; }

#endif

}  // namespace
}  // namespace healbench
