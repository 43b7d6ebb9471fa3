// The gfapi backend's checks before any I/O: its keys with their defaults, the exact errors for
// bad values, and a glusterd that is not there as an unavailable error naming the volume and
// the server. The I/O itself runs against a real GlusterFS volume in
// tests/integration/gluster_test.sh.
#ifdef HEALBENCH_HAVE_GFAPI
#include "backends/gfapi/gfapi_backend.h"

#include "backends/gfapi/gfapi_options.h"
#endif

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>

namespace healbench {
namespace {

#ifdef HEALBENCH_HAVE_GFAPI

std::string ThisHost() {
  std::array<char, 256> name{};
  EXPECT_EQ(gethostname(name.data(), name.size() - 1), 0);
  return name.data();
}

TEST(GfapiOptions, DefaultsNeedOnlyTheVolume) {
  auto o = ParseGfapiOptions("", {{"volume", "\"gv0\""}});
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->volume, "gv0");
  EXPECT_EQ(o->server, ThisHost());  // GlusterFS refuses 127.0.0.1 as a brick host
  EXPECT_EQ(o->port, 24007);
  EXPECT_EQ(o->dir, "/");
  EXPECT_EQ(o->logfile, "/tmp/healbench-gfapi-gv0-" + std::to_string(getpid()) + ".log");
  EXPECT_EQ(o->loglevel, 7);
  EXPECT_EQ(o->loglevel_name, "info");
}

TEST(GfapiOptions, EveryKeyGiven) {
  auto o = ParseGfapiOptions("images/vm", {{"volume", "'hbvol'"},
                                           {"server", "\"storage1.example\""},
                                           {"port", "24010"},
                                           {"logfile", "\"/var/log/hb gfapi.log\""},
                                           {"loglevel", "\"warning\""}});
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->volume, "hbvol");
  EXPECT_EQ(o->server, "storage1.example");
  EXPECT_EQ(o->port, 24010);
  EXPECT_EQ(o->dir, "/images/vm");
  EXPECT_EQ(o->logfile, "/var/log/hb gfapi.log");
  EXPECT_EQ(o->loglevel, 5);
  EXPECT_EQ(o->loglevel_name, "warning");
}

TEST(GfapiOptions, PathIsNormalisedInsideTheVolume) {
  const std::map<std::string, std::string> vol = {{"volume", "\"v\""}};
  EXPECT_EQ(ParseGfapiOptions("/", vol)->dir, "/");
  EXPECT_EQ(ParseGfapiOptions("/a//b/", vol)->dir, "/a/b");
  EXPECT_EQ(ParseGfapiOptions("./a/./b", vol)->dir, "/a/b");
  auto o = ParseGfapiOptions("/a/../../etc", vol);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(o.error().message,
            "backend.path = \"/a/../../etc\" (kind = \"gfapi\"): expected a directory inside the "
            "volume, without \"..\" (e.g. \"/healbench\")");
}

TEST(GfapiOptions, MissingVolumeIsBadInput) {
  auto o = ParseGfapiOptions("/", {{"server", "\"h\""}});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(o.error().message,
            "backend.volume is required for kind = \"gfapi\": the GlusterFS volume to open "
            "(e.g. volume = \"gv0\")");
}

TEST(GfapiOptions, BadValuesNameKeyAndValue) {
  auto port = ParseGfapiOptions("", {{"volume", "\"v\""}, {"port", "70000"}});
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(port.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(port.error().message,
            "backend.port = 70000 (kind = \"gfapi\"): expected glusterd's TCP port, 1 to 65535 "
            "(default 24007)");
  auto level = ParseGfapiOptions("", {{"volume", "\"v\""}, {"loglevel", "\"loud\""}});
  ASSERT_FALSE(level.ok());
  EXPECT_EQ(level.error().message,
            "backend.loglevel = \"loud\" (kind = \"gfapi\"): expected one of none, critical, "
            "error, warning, info, debug, trace");
  auto volume = ParseGfapiOptions("", {{"volume", "\"a/b\""}});
  ASSERT_FALSE(volume.ok());
  EXPECT_EQ(volume.error().message,
            "backend.volume = \"a/b\" (kind = \"gfapi\"): expected a volume name such as \"gv0\"");
}

TEST(GfapiBackend, GlusterdNotThereIsUnavailableNamingVolumeAndServer) {
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
  const std::string port = std::to_string(ntohs(a.sin_port));
  const std::string log = testing::TempDir() + "/gfapi-unavailable.log";
  auto b = MakeGfapiBackend("/", {{"volume", "\"hbnone\""},
                                  {"server", "\"127.0.0.1\""},
                                  {"port", port},
                                  {"logfile", "\"" + log + "\""}});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(b.error().message.rfind("open volume \"hbnone\" on server 127.0.0.1:" + port +
                                        " (gfapi://127.0.0.1:" + port +
                                        "/hbnone): glusterd cannot be reached there: ",
                                    0),
            0u)
      << b.error().message;
  EXPECT_NE(b.error().message.find("; gfapi log: " + log), std::string::npos);
  unlink(log.c_str());
}

#else

TEST(GfapiBackend, NotBuilt) {
  GTEST_SKIP() << "built without libgfapi (install libglusterfs-dev)";
}

#endif

}  // namespace
}  // namespace healbench
