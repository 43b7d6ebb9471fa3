// Verify journal: what is appended and flushed reads back; a record cut by a crash is
// dropped and flagged; a file that is not a journal is refused.
#include "workloads/verify_journal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace healbench {
namespace {

std::string TempPath() {
  char tmpl[] = "/tmp/healbench-journal-XXXXXX";
  int fd = mkstemp(tmpl);
  close(fd);
  return tmpl;
}

TEST(VerifyJournalTest, RecordsReadBackInOrder) {
  const std::string path = TempPath();
  {
    JournalWriter w;
    ASSERT_TRUE(w.Open(path, 1234).ok());
    w.Append({JournalKind::kAcked, 2, 8192, 4096, 7});
    w.Append({JournalKind::kFault, 2, 0, 0, 8});
    w.Append({JournalKind::kUncertain, 1, 1ull << 40, 65536, 9});
    ASSERT_TRUE(w.Flush());
  }
  auto c = ReadJournal(path);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->run_id, 1234u);
  ASSERT_EQ(c->records.size(), 3u);
  EXPECT_EQ(c->records[0].kind, JournalKind::kAcked);
  EXPECT_EQ(c->records[0].offset, 8192u);
  EXPECT_EQ(c->records[1].kind, JournalKind::kFault);
  EXPECT_EQ(c->records[1].generation, 8u);
  EXPECT_EQ(c->records[2].offset, 1ull << 40);
  EXPECT_EQ(c->records[2].length, 65536u);
  EXPECT_FALSE(c->truncated);
  std::remove(path.c_str());
}

TEST(VerifyJournalTest, RecordCutByACrashIsDropped) {
  const std::string path = TempPath();
  {
    JournalWriter w;
    ASSERT_TRUE(w.Open(path, 1).ok());
    w.Append({JournalKind::kAcked, 0, 0, 4096, 1});
    w.Append({JournalKind::kAcked, 0, 4096, 4096, 2});
    w.Flush();
  }
  ASSERT_EQ(truncate(path.c_str(), 16 + 24 + 10), 0);
  auto c = ReadJournal(path);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->records.size(), 1u);
  EXPECT_TRUE(c->truncated);
  std::remove(path.c_str());
}

TEST(VerifyJournalTest, NotAJournalIsRefusedWithItsPath) {
  const std::string path = TempPath();
  std::ofstream(path) << "hello, this is not a journal";
  auto c = ReadJournal(path);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find(path), std::string::npos);
  std::remove(path.c_str());
  EXPECT_FALSE(ReadJournal(path + ".missing").ok());
}

}  // namespace
}  // namespace healbench
