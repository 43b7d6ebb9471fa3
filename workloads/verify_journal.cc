// Verify journal writing and reading. See verify_journal.h.
//
// File: 8-byte magic "HBJRNL01", 8-byte run id, then 24-byte records:
// kind u32 | image u32 | offset u64 | length u32 | generation u32.
#include "workloads/verify_journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace healbench {
namespace {

constexpr char kMagic[8] = {'H', 'B', 'J', 'R', 'N', 'L', '0', '1'};
constexpr std::size_t kRecordBytes = 24;
constexpr std::size_t kHeaderBytes = 16;

template <typename T>
void Put(std::vector<std::uint8_t>& out, T v) {
  std::uint8_t b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.insert(out.end(), b, b + sizeof(T));
}

template <typename T>
T Get(const std::uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

bool WriteAll(int fd, const std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

}  // namespace

JournalWriter::~JournalWriter() { Close(); }

Result<void> JournalWriter::Open(const std::string& path, std::uint64_t run_id) {
  fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    return MakeError(ErrorCode::kIo, "verify journal " + path + ": " + std::strerror(errno));
  }
  path_ = path;
  buffer_.insert(buffer_.end(), kMagic, kMagic + 8);
  Put(buffer_, run_id);
  if (!Flush()) return MakeError(ErrorCode::kIo, error_);
  return Ok();
}

void JournalWriter::Append(const JournalRecord& r) {
  if (fd_ < 0) return;
  Put(buffer_, static_cast<std::uint32_t>(r.kind));
  Put(buffer_, r.image);
  Put(buffer_, r.offset);
  Put(buffer_, r.length);
  Put(buffer_, r.generation);
}

bool JournalWriter::Flush() {
  if (fd_ < 0 || buffer_.empty()) return error_.empty();
  if (!WriteAll(fd_, buffer_.data(), buffer_.size()) && error_.empty()) {
    error_ = "verify journal " + path_ + ": " + std::strerror(errno);
  }
  buffer_.clear();
  return error_.empty();
}

void JournalWriter::Close() {
  if (fd_ < 0) return;
  Flush();
  close(fd_);
  fd_ = -1;
}

Result<JournalContents> ReadJournal(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return MakeError(ErrorCode::kBadInput, "verify journal " + path + ": " + std::strerror(errno));
  }
  std::vector<std::uint8_t> bytes;
  std::uint8_t chunk[1 << 16];
  while (true) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    bytes.insert(bytes.end(), chunk, chunk + n);
  }
  close(fd);
  if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, 8) != 0) {
    return MakeError(ErrorCode::kBadInput,
                     "verify journal " + path + ": not a healbench verify journal");
  }
  JournalContents c;
  c.run_id = Get<std::uint64_t>(bytes.data() + 8);
  std::size_t at = kHeaderBytes;
  for (; at + kRecordBytes <= bytes.size(); at += kRecordBytes) {
    const std::uint8_t* p = bytes.data() + at;
    JournalRecord r;
    const auto kind = Get<std::uint32_t>(p);
    if (kind < 1 || kind > 4) {
      return MakeError(ErrorCode::kBadInput, "verify journal " + path + ": bad record kind " +
                                                 std::to_string(kind) + " at byte " +
                                                 std::to_string(at));
    }
    r.kind = static_cast<JournalKind>(kind);
    r.image = Get<std::uint32_t>(p + 4);
    r.offset = Get<std::uint64_t>(p + 8);
    r.length = Get<std::uint32_t>(p + 16);
    r.generation = Get<std::uint32_t>(p + 20);
    c.records.push_back(r);
  }
  c.truncated = at != bytes.size();
  return c;
}

}  // namespace healbench
