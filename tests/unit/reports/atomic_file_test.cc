// Tests of the crash-safe writers: WriteFileAtomically replaces content and leaves no temp
// file behind; EventLog writes one valid JSON document per line, in order, from any thread.
#include "reports/atomic_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "reports/results_json.h"

namespace healbench::report {
namespace {

namespace fs = std::filesystem;

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "healbench-reports-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    return names;
  }

  fs::path dir_;
};

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

using WriteFileAtomicallyTest = TempDir;

TEST_F(WriteFileAtomicallyTest, WritesAndReplacesWithoutLeavingATempFile) {
  const std::string path = (dir_ / "results.json").string();
  std::string error;
  ASSERT_TRUE(WriteFileAtomically(path, "first version, longer\n", &error)) << error;
  EXPECT_EQ(ReadAll(path), "first version, longer\n");
  ASSERT_TRUE(WriteFileAtomically(path, "second\n", &error)) << error;
  EXPECT_EQ(ReadAll(path), "second\n");
  EXPECT_EQ(Names(), std::vector<std::string>{"results.json"});
}

TEST_F(WriteFileAtomicallyTest, WritesEmptyContent) {
  const std::string path = (dir_ / "empty").string();
  ASSERT_TRUE(WriteFileAtomically(path, "", nullptr));
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(fs::file_size(path), 0u);
}

TEST_F(WriteFileAtomicallyTest, ErrorNamesThePathAndErrno) {
  const std::string path = (dir_ / "no-such-dir" / "results.json").string();
  std::string error;
  EXPECT_FALSE(WriteFileAtomically(path, "x", &error));
  EXPECT_EQ(error, "open " + path + ".tmp." + std::to_string(::getpid()) +
                       ": No such file or directory [errno 2]");
}

TEST_F(WriteFileAtomicallyTest, FailedRenameRemovesTheTempFile) {
  // A directory in the way of the target: the rename fails after the temp file was written.
  fs::create_directory(dir_ / "target");
  fs::create_directory(dir_ / "target" / "child");
  std::string error;
  EXPECT_FALSE(WriteFileAtomically((dir_ / "target").string(), "x", &error));
  EXPECT_NE(error.find("rename "), std::string::npos) << error;
  EXPECT_EQ(Names(), std::vector<std::string>{"target"});
}

using EventLogTest = TempDir;

TEST_F(EventLogTest, AppendsOneValidJsonLinePerEventInOrder) {
  const std::string path = (dir_ / "events.jsonl").string();
  EventLog log;
  std::string error;
  ASSERT_TRUE(log.Open(path, &error)) << error;
  EXPECT_TRUE(log.is_open());
  ASSERT_TRUE(log.Append(EventToJson({1, 20.0, 20.5, "fault", "disconnect", "node2", true, ""})));
  ASSERT_TRUE(log.Append({{"id", 2}, {"detail", "two\nlines"}}));
  // Each line is on disk as soon as Append returns, before Close.
  auto lines = Lines(ReadAll(path));
  ASSERT_EQ(lines.size(), 2u);
  auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["id"], 1);
  EXPECT_EQ(first["action"], "disconnect");
  EXPECT_EQ(first["end_s"], 20.5);
  auto second = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(second["detail"], "two\nlines");
  log.Close();
  EXPECT_FALSE(log.is_open());
}

TEST_F(EventLogTest, OpenStartsAFreshLog) {
  const std::string path = (dir_ / "events.jsonl").string();
  {
    EventLog log;
    ASSERT_TRUE(log.Open(path, nullptr));
    ASSERT_TRUE(log.Append({{"id", 1}}));
  }
  EventLog log;
  ASSERT_TRUE(log.Open(path, nullptr));
  ASSERT_TRUE(log.Append({{"id", 2}}));
  EXPECT_EQ(ReadAll(path), "{\"id\":2}\n");
}

TEST_F(EventLogTest, AppendWithoutOpenFails) {
  EventLog log;
  std::string error;
  EXPECT_FALSE(log.Append({{"id", 1}}, &error));
  EXPECT_EQ(error, "append event log: event log is not open");
}

TEST_F(EventLogTest, OpenErrorNamesThePath) {
  EventLog log;
  std::string error;
  const std::string path = (dir_ / "missing" / "events.jsonl").string();
  EXPECT_FALSE(log.Open(path, &error));
  EXPECT_EQ(error, "open " + path + ": No such file or directory [errno 2]");
}

TEST_F(EventLogTest, ConcurrentAppendsKeepLinesWholeAndEachThreadInOrder) {
  const std::string path = (dir_ / "events.jsonl").string();
  EventLog log;
  ASSERT_TRUE(log.Open(path, nullptr));
  constexpr int kThreads = 4, kPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&log, t] {
      for (int i = 0; i < kPerThread; ++i) {
        log.Append({{"thread", t}, {"seq", i}, {"pad", std::string(200, 'x')}});
      }
    });
  }
  for (auto& th : threads) th.join();
  auto lines = Lines(ReadAll(path));
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kPerThread));
  std::vector<int> next(kThreads, 0);
  for (const auto& line : lines) {
    auto j = nlohmann::json::parse(line);  // throws (fails the test) on a torn line
    int t = j["thread"].get<int>();
    EXPECT_EQ(j["seq"].get<int>(), next[static_cast<std::size_t>(t)]++);
  }
}

}  // namespace
}  // namespace healbench::report
