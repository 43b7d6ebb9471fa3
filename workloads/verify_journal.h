// The verify journal: the outcome of every verified write and every fault, appended as the
// run goes (one file per worker), so `healbench verify OUT/` can rebuild what was owed and
// read it back later — after a harness crash or a reboot of the storage. Records are
// fixed-size little-endian; a record cut short by a crash is ignored on reading.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/core/result.h"

namespace healbench {

// kFault: a fault began, generation = the first one issued after; kFaultEnd: the faults
// in force were undone, generation = the first one issued after that.
enum class JournalKind : std::uint32_t { kAcked = 1, kUncertain = 2, kFault = 3, kFaultEnd = 4 };

struct JournalRecord {
  JournalKind kind = JournalKind::kAcked;
  std::uint32_t image = 0;  // run-wide image index
  std::uint64_t offset = 0;
  std::uint32_t length = 0;
  std::uint32_t generation = 0;
};

struct JournalContents {
  std::uint64_t run_id = 0;
  std::vector<JournalRecord> records;
  bool truncated = false;  // the file ended inside a record (a crash while writing)
};

// Buffered appender; Flush() hands the buffer to the kernel (once per interval), so a crash
// of healbench loses at most what was appended since.
class JournalWriter {
 public:
  JournalWriter() = default;
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  Result<void> Open(const std::string& path, std::uint64_t run_id);
  bool is_open() const { return fd_ >= 0; }
  void Append(const JournalRecord& r);
  // False when the write failed (disk full, …); the first error is kept in error().
  bool Flush();
  void Close();
  const std::string& error() const { return error_; }

 private:
  int fd_ = -1;
  std::string path_;
  std::vector<std::uint8_t> buffer_;
  std::string error_;
};

Result<JournalContents> ReadJournal(const std::string& path);

}  // namespace healbench
