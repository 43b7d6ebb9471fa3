// In-use detection: mountinfo and swaps parsing (escapes, optional fields), the machine's
// own root filesystem device found mounted by number, and files that are not in use.
#include "backends/file/device_usage.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace healbench {
namespace {

TEST(ParseMountInfo, ReadsDeviceMountPointTypeAndSourceWithOptionalFields) {
  const std::string text =
      "36 35 98:0 /mnt1 /mnt/my\\040disk rw,noatime master:1 shared:7 - ext3 /dev/root "
      "rw,errors=continue\n"
      "25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw\n"
      "garbage line\n";
  const auto m = ParseMountInfo(text);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].dev, makedev(98, 0));
  EXPECT_EQ(m[0].mount_point, "/mnt/my disk");
  EXPECT_EQ(m[0].fstype, "ext3");
  EXPECT_EQ(m[0].source, "/dev/root");
  EXPECT_EQ(m[1].dev, makedev(0, 23));
  EXPECT_EQ(m[1].fstype, "tmpfs");
}

TEST(ParseSwaps, SkipsTheHeaderAndUnescapesNames) {
  const std::string text =
      "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
      "/dev/zram0                              partition\t4194300\t\t0\t\t100\n"
      "/var/swap\\040file                       file\t\t1024\t\t0\t\t-2\n";
  const auto s = ParseSwaps(text);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0], "/dev/zram0");
  EXPECT_EQ(s[1], "/var/swap file");
  EXPECT_TRUE(ParseSwaps("Filename Type Size Used Priority\n").empty());
}

TEST(ParseMountInfo, TheRootFilesystemsDeviceNumberIsListed) {
  struct stat st {};
  ASSERT_EQ(stat("/", &st), 0);
  std::ifstream in("/proc/self/mountinfo");
  std::stringstream text;
  text << in.rdbuf();
  bool found = false;
  for (const MountEntry& m : ParseMountInfo(text.str())) found = found || m.dev == st.st_dev;
  EXPECT_TRUE(found) << "st_dev of / is " << major(st.st_dev) << ":" << minor(st.st_dev);
}

TEST(FindDeviceUse, TheBlockDeviceUnderAMountIsInUse) {
  // The block device node of a mounted filesystem, if this machine shows one in /dev.
  std::ifstream in("/proc/self/mountinfo");
  std::stringstream text;
  text << in.rdbuf();
  for (const MountEntry& m : ParseMountInfo(text.str())) {
    struct stat st {};
    if (m.source.rfind("/dev/", 0) != 0 || stat(m.source.c_str(), &st) != 0 ||
        !S_ISBLK(st.st_mode) || st.st_rdev != m.dev) {
      continue;
    }
    auto use = FindDeviceUse(m.source);
    ASSERT_TRUE(use.ok()) << use.error().message;
    ASSERT_TRUE(use->has_value()) << m.source << " is mounted on " << m.mount_point;
    EXPECT_EQ((*use)->rfind("is mounted on ", 0), 0u) << **use;
    return;
  }
  GTEST_SKIP() << "no mounted filesystem on a block device node visible in /dev";
}

TEST(FindDeviceUse, AnOrdinaryFileIsNotInUse) {
  std::string tmpl = "/var/tmp/healbench-use-test.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  const std::string path = tmpl + "/disk.img";
  std::ofstream(path) << "data";
  auto use = FindDeviceUse(path);
  ASSERT_TRUE(use.ok()) << use.error().message;
  EXPECT_FALSE(use->has_value()) << **use;
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
}

TEST(FindDeviceUse, MissingPathIsBadInputNamingIt) {
  auto use = FindDeviceUse("/nonexistent/healbench/disk.img");
  ASSERT_FALSE(use.ok());
  EXPECT_EQ(use.error().code, ErrorCode::kBadInput);
  EXPECT_NE(use.error().message.find("/nonexistent/healbench/disk.img"), std::string::npos);
}

}  // namespace
}  // namespace healbench
