// The guard before writing over an existing file: a file healbench did not create is
// refused with the exact message, one it marked is accepted, an ext4 image is refused naming
// its UUID, and force lets both through. Loop devices (mounted, blank, partitioned) are
// covered end to end in tests/integration/overwrite_safety_test.sh.
#include "backends/file/overwrite_guard.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "backends/file/image_marker.h"

namespace healbench {
namespace {

class OverwriteGuard : public testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = "/var/tmp/healbench-guard-test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/disk.img";
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  void WriteForeign() {
    std::ofstream(path_) << "someone's data";
    std::filesystem::resize_file(path_, 32 << 20);
  }
  std::string Uuid() {
    std::string out;
    FILE* f = popen(("blkid -p -o value -s UUID " + path_).c_str(), "r");
    if (f == nullptr) return out;
    char buf[128];
    while (fgets(buf, sizeof(buf), f) != nullptr) out += buf;
    pclose(f);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  std::string dir_, path_;
};

TEST_F(OverwriteGuard, ForeignFileIsRefusedAsBadInputNamingThePath) {
  WriteForeign();
  auto rc = CheckBeforeOverwrite(path_, false);
  ASSERT_FALSE(rc.ok());
  EXPECT_EQ(rc.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(rc.error().message,
            path_ +
                " is an existing file healbench did not create (no user.healbench mark); "
                "healbench would overwrite it. Pass --force or set overwrite = true in "
                "[workload] to allow");
}

TEST_F(OverwriteGuard, ForceAllowsAForeignFile) {
  WriteForeign();
  EXPECT_TRUE(CheckBeforeOverwrite(path_, true).ok());
}

TEST_F(OverwriteGuard, FileHealbenchMarkedIsAccepted) {
  const int fd = open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(MarkImageAsOwn(fd, path_, NewRunId()).ok());
  ASSERT_EQ(ftruncate(fd, 32 << 20), 0);
  close(fd);
  auto rc = CheckBeforeOverwrite(path_, false);
  EXPECT_TRUE(rc.ok()) << rc.error().message;
}

TEST_F(OverwriteGuard, Ext4ImageIsRefusedEvenWhenHealbenchMarkedIt) {
  if (std::system("command -v mkfs.ext4 >/dev/null && command -v blkid >/dev/null") != 0) {
    GTEST_SKIP() << "mkfs.ext4 or blkid not installed";
  }
  // Marked as ours, then formatted by someone: the filesystem wins.
  const int fd = open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(MarkImageAsOwn(fd, path_, NewRunId()).ok());
  ASSERT_EQ(ftruncate(fd, 32 << 20), 0);
  close(fd);
  ASSERT_EQ(std::system(("mkfs.ext4 -q -F " + path_ + " >/dev/null 2>&1").c_str()), 0);
  const std::string uuid = Uuid();
  ASSERT_FALSE(uuid.empty());
  auto rc = CheckBeforeOverwrite(path_, false);
  ASSERT_FALSE(rc.ok());
  EXPECT_EQ(rc.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(rc.error().message, path_ + " holds an ext4 filesystem (UUID " + uuid +
                                    "); healbench would overwrite it. Pass --force or set "
                                    "overwrite = true in [workload] to allow");
  EXPECT_TRUE(CheckBeforeOverwrite(path_, true).ok());
}

TEST_F(OverwriteGuard, ForeignExt4ImageNamesTheFilesystemFirst) {
  if (std::system("command -v mkfs.ext4 >/dev/null") != 0) GTEST_SKIP() << "no mkfs.ext4";
  WriteForeign();
  ASSERT_EQ(std::system(("mkfs.ext4 -q -F " + path_ + " >/dev/null 2>&1").c_str()), 0);
  auto rc = CheckBeforeOverwrite(path_, false);
  ASSERT_FALSE(rc.ok());
  EXPECT_EQ(rc.error().message.rfind(path_ + " holds an ext4 filesystem", 0), 0u)
      << rc.error().message;
}

TEST_F(OverwriteGuard, DirectoryIsRefused) {
  auto rc = CheckBeforeOverwrite(dir_, true);
  ASSERT_FALSE(rc.ok());
  EXPECT_EQ(rc.error().code, ErrorCode::kBadInput);
  EXPECT_NE(rc.error().message.find("neither a block device nor a regular file"),
            std::string::npos);
}

}  // namespace
}  // namespace healbench
