// healbench's mark on the images it creates: the xattr on a disk filesystem and on tmpfs,
// the sidecar fallback, a sidecar that no longer matches its file, and removal that spares
// what healbench did not write.
#include "backends/file/image_marker.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace healbench {
namespace {

std::string MakeDir(const std::string& base) {
  std::string tmpl = base + "/healbench-mark-test.XXXXXX";
  return mkdtemp(tmpl.data()) != nullptr ? tmpl : "";
}

class ImageMark : public testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    dir_ = MakeDir(GetParam());
    if (dir_.empty()) GTEST_SKIP() << "cannot make a directory in " << GetParam();
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  int Create(const std::string& path) {
    return open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  }
  std::string dir_;
};

TEST_P(ImageMark, MarkedFileReadsBackItsRunId) {
  const std::string path = dir_ + "/vm-0.img";
  const int fd = Create(path);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(MarkImageAsOwn(fd, path, "host:1:2.3").ok());
  close(fd);
  EXPECT_EQ(ReadImageMark(path), "host:1:2.3");
}

TEST_P(ImageMark, UnmarkedFileIsNotOurs) {
  const std::string path = dir_ + "/vm-0.img";
  std::ofstream(path) << "someone's data";
  EXPECT_EQ(ReadImageMark(path), std::nullopt);
}

TEST_P(ImageMark, SomeoneElsesUserHealbenchXattrIsNotOurMark) {
  const std::string path = dir_ + "/vm-0.img";
  std::ofstream(path) << "x";
  const std::string v = "yes";
  if (setxattr(path.c_str(), kImageMarkXattr, v.data(), v.size(), 0) != 0) {
    GTEST_SKIP() << "no user xattrs on " << GetParam();
  }
  EXPECT_EQ(ReadImageMark(path), std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Filesystems, ImageMark, testing::Values("/var/tmp", "/dev/shm"));

TEST(ImageMarkSidecar, VouchesForItsFileOnlyWhileItIsTheSameFile) {
  const std::string dir = MakeDir("/var/tmp");
  ASSERT_FALSE(dir.empty());
  const std::string path = dir + "/vm-0.img";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(WriteSidecarMark(fd, path, "run-a").ok());
  close(fd);
  EXPECT_TRUE(std::filesystem::exists(dir + "/.vm-0.img.healbench"));
  EXPECT_EQ(ReadImageMark(path), "run-a");
  // Replaced by another file of the same name: the old sidecar no longer vouches for it.
  // (Create the new one before removing the old, so it cannot reuse the inode number.)
  const std::string other = dir + "/other.img";
  std::ofstream(other) << "foreign";
  std::filesystem::rename(other, path);
  EXPECT_EQ(ReadImageMark(path), std::nullopt);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TEST(ImageMarkRemoval, RemovesTheImageAndOnlyItsOwnSidecar) {
  const std::string dir = MakeDir("/var/tmp");
  ASSERT_FALSE(dir.empty());
  const std::string path = dir + "/vm-0.img";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(WriteSidecarMark(fd, path, "run-a").ok());
  close(fd);
  RemoveCreatedImage(path);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(SidecarPath(path)));
  // A sidecar that belongs to no file we remove stays.
  std::ofstream(SidecarPath(path)) << "healbench-image run=old\ninode=1\n";
  fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  close(fd);
  RemoveCreatedImage(path);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_TRUE(std::filesystem::exists(SidecarPath(path)));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TEST(ImageMarkRunId, TwoRunsDiffer) { EXPECT_NE(NewRunId(), NewRunId()); }

}  // namespace
}  // namespace healbench
