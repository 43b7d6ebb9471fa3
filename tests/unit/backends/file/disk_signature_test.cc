// libblkid probing on real image files: a file formatted with mkfs.ext4 is found with the
// UUID blkid itself reports, a GPT written by sfdisk is a partition table, and zeros are
// nothing. Skips with the reason when the tool that makes the signature is missing.
#include "backends/file/disk_signature.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace healbench {
namespace {

class ImageFile : public testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = "/var/tmp/healbench-sig-test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/disk.img";
    std::filesystem::resize_file(CreateEmpty(path_), 64 << 20);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  static std::string CreateEmpty(const std::string& p) {
    std::ofstream(p).close();
    return p;
  }
  static bool Have(const std::string& tool) {
    return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0;
  }
  // stdout of a shell command, trimmed.
  static std::string Output(const std::string& cmd) {
    std::string out;
    FILE* f = popen(cmd.c_str(), "r");
    if (f == nullptr) return out;
    char buf[256];
    while (fgets(buf, sizeof(buf), f) != nullptr) out += buf;
    pclose(f);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  std::string dir_, path_;
};

TEST_F(ImageFile, ZerosHoldNoSignature) {
  auto sig = ProbeDiskSignature(path_);
  ASSERT_TRUE(sig.ok()) << sig.error().message;
  EXPECT_FALSE(sig->has_value()) << DescribeDiskSignature(**sig);
}

TEST_F(ImageFile, Ext4IsFoundWithTheUuidBlkidReports) {
  if (!Have("mkfs.ext4") || !Have("blkid")) GTEST_SKIP() << "mkfs.ext4 or blkid not installed";
  ASSERT_EQ(std::system(("mkfs.ext4 -q -F -L hbtest " + path_ + " >/dev/null 2>&1").c_str()), 0);
  const std::string uuid = Output("blkid -p -o value -s UUID " + path_);
  ASSERT_FALSE(uuid.empty());
  auto sig = ProbeDiskSignature(path_);
  ASSERT_TRUE(sig.ok()) << sig.error().message;
  ASSERT_TRUE(sig->has_value());
  EXPECT_EQ((*sig)->type, "ext4");
  EXPECT_EQ((*sig)->usage, "filesystem");
  EXPECT_EQ((*sig)->uuid, uuid);
  EXPECT_EQ(DescribeDiskSignature(**sig), "an ext4 filesystem (UUID " + uuid + ", LABEL hbtest)");
}

TEST_F(ImageFile, GptWrittenBySfdiskIsAPartitionTable) {
  if (!Have("sfdisk")) GTEST_SKIP() << "sfdisk not installed (Debian package fdisk)";
  ASSERT_EQ(std::system(("echo 'label: gpt' | sfdisk -q " + path_ + " >/dev/null 2>&1").c_str()),
            0);
  auto sig = ProbeDiskSignature(path_);
  ASSERT_TRUE(sig.ok()) << sig.error().message;
  ASSERT_TRUE(sig->has_value());
  EXPECT_EQ((*sig)->pttype, "gpt");
  EXPECT_EQ(DescribeDiskSignature(**sig).rfind("a gpt partition table (PTUUID ", 0), 0u)
      << DescribeDiskSignature(**sig);
}

TEST_F(ImageFile, SwapAreaIsNamedAsSuch) {
  if (!Have("mkswap")) GTEST_SKIP() << "mkswap not installed";
  ASSERT_EQ(std::system(("mkswap " + path_ + " >/dev/null 2>&1").c_str()), 0);
  auto sig = ProbeDiskSignature(path_);
  ASSERT_TRUE(sig.ok()) << sig.error().message;
  ASSERT_TRUE(sig->has_value());
  EXPECT_EQ((*sig)->type, "swap");
  EXPECT_EQ(DescribeDiskSignature(**sig).rfind("a swap area", 0), 0u);
}

TEST(DiskSignature, MissingFileIsAnErrorNamingIt) {
  auto sig = ProbeDiskSignature("/nonexistent/healbench/disk.img");
  ASSERT_FALSE(sig.ok());
  EXPECT_NE(sig.error().message.find("/nonexistent/healbench/disk.img"), std::string::npos);
}

TEST(DiskSignature, DescribesLvmAndBothPartsOfADiskWithTwoSignatures) {
  DiskSignature lvm;
  lvm.type = "LVM2_member";
  lvm.usage = "raid";
  lvm.uuid = "abc";
  EXPECT_EQ(DescribeDiskSignature(lvm), "an LVM physical volume (UUID abc)");
  DiskSignature both;
  both.type = "xfs";
  both.usage = "filesystem";
  both.pttype = "dos";
  both.ptuuid = "1234";
  EXPECT_EQ(DescribeDiskSignature(both),
            "a xfs filesystem and a dos partition table (PTUUID 1234)");
}

}  // namespace
}  // namespace healbench
