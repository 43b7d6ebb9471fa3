// The shared-secret file and the loopback test that decides whether a node may listen without
// one; and backend.token_file in the ref options (the token read at parse time, errors name the
// key and the file).
#include "backends/refcluster/token_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "backends/refcluster/ref_options.h"

namespace healbench::ref {
namespace {

class TokenFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("healbench-token-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(TokenFile, FirstLineIsTheToken) {
  auto t = ReadTokenFile(Write("t", "s3cret\nsecond line\n"));
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(*t, "s3cret");
  auto crlf = ReadTokenFile(Write("crlf", "abc\r\n"));
  ASSERT_TRUE(crlf.ok());
  EXPECT_EQ(*crlf, "abc");
}

TEST_F(TokenFile, MissingOrEmptyIsBadInputNamingTheFile) {
  const std::string missing = (dir_ / "nope").string();
  auto m = ReadTokenFile(missing);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(ExitCodeFor(m.error()), 2);
  EXPECT_NE(m.error().message.find(missing), std::string::npos) << m.error().message;
  auto e = ReadTokenFile(Write("empty", "\n"));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("is empty"), std::string::npos) << e.error().message;
}

TEST_F(TokenFile, RefOptionsReadTheTokenAtParseTime) {
  const std::string path = Write("t", "xyz\n");
  auto o = ParseRefOptions({{"token_file", "\"" + path + "\""}});
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->token, "xyz");
  EXPECT_EQ(o->token_file, path);
  auto bad = ParseRefOptions({{"token_file", "\"" + (dir_ / "nope").string() + "\""}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("backend.token_file"), std::string::npos)
      << bad.error().message;
}

TEST(LoopbackHost, OnlyThisMachinesAddresses) {
  for (const char* h : {"127.0.0.1", "127.1.2.3", "::1", "localhost"}) {
    EXPECT_TRUE(IsLoopbackHost(h)) << h;
  }
  for (const char* h : {"0.0.0.0", "10.0.0.1", "::", "192.168.1.1", "128.0.0.1", "example"}) {
    EXPECT_FALSE(IsLoopbackHost(h)) << h;
  }
}

}  // namespace
}  // namespace healbench::ref
