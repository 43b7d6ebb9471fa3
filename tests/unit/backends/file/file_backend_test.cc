// The io_uring file backend on real files in a temporary directory under /var/tmp (a disk
// filesystem, where O_DIRECT works): image preparation, data round trips through a queue,
// flush and discard, the refusals with their exact messages, and a bounded idle Reap.
#include "backends/file/file_backend.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "backends/file/image_marker.h"

namespace healbench {
namespace {

constexpr std::uint32_t kBlock = 4096;
constexpr std::uint64_t kMiB = 1 << 20;

// A fresh directory under /var/tmp, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = "/var/tmp/healbench-file-test.XXXXXX";
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// An aligned buffer for O_DIRECT.
class AlignedBuffer {
 public:
  explicit AlignedBuffer(std::size_t bytes) : bytes_(bytes) {
    if (posix_memalign(&p_, kBlock, bytes) != 0) p_ = nullptr;
  }
  ~AlignedBuffer() { free(p_); }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  char* data() { return static_cast<char*>(p_); }
  std::size_t size() const { return bytes_; }

 private:
  void* p_ = nullptr;
  std::size_t bytes_;
};

void WriteFile(const std::string& path, std::uint64_t bytes, char fill) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0) << path << ": " << strerror(errno);
  const std::string chunk(64 * 1024, fill);
  for (std::uint64_t done = 0; done < bytes; done += chunk.size()) {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), bytes - done));
    ASSERT_EQ(pwrite(fd, chunk.data(), n, static_cast<off_t>(done)), static_cast<ssize_t>(n));
  }
  ASSERT_EQ(fsync(fd), 0);
  close(fd);
}

struct stat Stat(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st;
}

// Waits (bounded) until `want` completions arrived; returns them.
std::vector<IoCompletion> ReapAll(BackendQueue& q, std::size_t want) {
  std::vector<IoCompletion> got;
  std::vector<IoCompletion> out(16);
  for (int round = 0; round < 100 && got.size() < want; ++round) {
    auto n = q.Reap(out, 1, 100 * kNsPerMs);
    EXPECT_TRUE(n.ok()) << n.error().message;
    if (!n.ok()) break;
    got.insert(got.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(*n));
  }
  return got;
}

IoRequest Request(std::uint64_t tag, OpKind op, std::uint64_t offset, std::uint32_t length,
                  void* buffer = nullptr, std::int32_t buffer_index = -1) {
  IoRequest r;
  r.tag = tag;
  r.image = 0;
  r.op = op;
  r.offset = offset;
  r.length = length;
  r.buffer = buffer;
  r.buffer_index = buffer_index;
  return r;
}

TEST(FileBackend, PrepareCreatesSparseImagesOfTheRightSizeInADirectory) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  auto backend = MakeFileBackend({dir.path(), true});
  auto images = backend->Prepare({{"vm-0", 64 * kMiB}, {"vm-1", 32 * kMiB}});
  ASSERT_TRUE(images.ok()) << images.error().message;
  ASSERT_EQ(images->size(), 2u);
  EXPECT_EQ((*images)[0].name, "vm-0");
  EXPECT_EQ((*images)[0].location, dir.path() + "/vm-0.img");
  EXPECT_EQ((*images)[0].size_bytes, 64 * kMiB);
  EXPECT_TRUE((*images)[0].created);
  EXPECT_EQ((*images)[1].location, dir.path() + "/vm-1.img");
  const struct stat st0 = Stat(dir.path() + "/vm-0.img");
  EXPECT_EQ(static_cast<std::uint64_t>(st0.st_size), 64 * kMiB);
  EXPECT_LT(static_cast<std::uint64_t>(st0.st_blocks) * 512, kMiB) << "image is not sparse";
  EXPECT_EQ(static_cast<std::uint64_t>(Stat(dir.path() + "/vm-1.img").st_size), 32 * kMiB);
}

TEST(FileBackend, PrepareReusesAnImageAnEarlierRunCreated) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string path = dir.path() + "/vm-0.img";
  {
    auto first = MakeFileBackend({dir.path(), false});
    auto images = first->Prepare({{"vm-0", kMiB}});
    ASSERT_TRUE(images.ok()) << images.error().message;
    ASSERT_TRUE((*images)[0].created);
  }
  const int wfd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(wfd, 0);
  const std::string data(kBlock, 'x');
  ASSERT_EQ(pwrite(wfd, data.data(), data.size(), 4096), static_cast<ssize_t>(data.size()));
  close(wfd);
  auto backend = MakeFileBackend({dir.path(), false});
  auto images = backend->Prepare({{"vm-0", kMiB}});
  ASSERT_TRUE(images.ok()) << images.error().message;
  EXPECT_FALSE((*images)[0].created);
  EXPECT_EQ(static_cast<std::uint64_t>(Stat(path).st_size), kMiB);
  // The data is still there.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  char c = 0;
  EXPECT_EQ(pread(fd, &c, 1, 4096), 1);
  EXPECT_EQ(c, 'x');
  close(fd);
}

// Writes a pattern and reads it back through one queue, with and without O_DIRECT, with
// plain and with registered buffers.
struct RoundTripCase {
  bool direct;
  bool registered;
};

class FileBackendRoundTrip : public testing::TestWithParam<RoundTripCase> {};

TEST_P(FileBackendRoundTrip, WriteThenReadBackTheSameBytes) {
  const RoundTripCase c = GetParam();
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  auto backend = MakeFileBackend({dir.path(), c.direct});
  ASSERT_TRUE(backend->Prepare({{"vm-0", 4 * kMiB}}).ok());
  auto q = backend->NewQueue({0}, 8);
  ASSERT_TRUE(q.ok()) << q.error().message;
  constexpr std::uint32_t kLen = 16 * 1024;
  AlignedBuffer wbuf(kLen), rbuf(kLen);
  for (std::uint32_t i = 0; i < kLen; ++i) wbuf.data()[i] = static_cast<char>((i * 131 + 7) & 0xff);
  std::memset(rbuf.data(), 0, kLen);
  std::int32_t windex = -1, rindex = -1;
  if (c.registered) {
    std::vector<void*> bufs = {rbuf.data(), wbuf.data()};
    ASSERT_TRUE((*q)->RegisterBuffers(bufs, kLen).ok());
    rindex = 0;
    windex = 1;
  }
  const std::uint64_t offset = 3 * kMiB + 8 * kBlock;
  ASSERT_TRUE((*q)->Submit(std::vector<IoRequest>{
                               Request(11, OpKind::kWrite, offset, kLen, wbuf.data(), windex)})
                  .ok());
  auto done = ReapAll(**q, 1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].tag, 11u);
  EXPECT_EQ(done[0].result, kLen);

  ASSERT_TRUE((*q)->Submit(std::vector<IoRequest>{
                               Request(12, OpKind::kRead, offset, kLen, rbuf.data(), rindex)})
                  .ok());
  done = ReapAll(**q, 1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].tag, 12u);
  EXPECT_EQ(done[0].result, kLen);
  EXPECT_EQ(std::memcmp(rbuf.data(), wbuf.data(), kLen), 0);
}

INSTANTIATE_TEST_SUITE_P(Modes, FileBackendRoundTrip,
                         testing::Values(RoundTripCase{true, false}, RoundTripCase{true, true},
                                         RoundTripCase{false, false}, RoundTripCase{false, true}),
                         [](const testing::TestParamInfo<RoundTripCase>& param_info) {
                           return std::string(param_info.param.direct ? "Direct" : "Buffered") +
                                  (param_info.param.registered ? "Registered" : "Plain");
                         });

TEST(FileBackend, FlushCompletesWithoutError) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  auto backend = MakeFileBackend({dir.path(), true});
  ASSERT_TRUE(backend->Prepare({{"vm-0", kMiB}}).ok());
  auto q = backend->NewQueue({0}, 4);
  ASSERT_TRUE(q.ok()) << q.error().message;
  ASSERT_TRUE((*q)->Submit(std::vector<IoRequest>{Request(5, OpKind::kFlush, 0, 0)}).ok());
  auto done = ReapAll(**q, 1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].tag, 5u);
  EXPECT_EQ(done[0].result, 0);
}

TEST(FileBackend, DiscardPunchesAHole) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string path = dir.path() + "/vm-0.img";
  WriteFile(path, 4 * kMiB, 'd');
  const auto blocks_before = Stat(path).st_blocks;
  auto backend = MakeFileBackend({dir.path(), true, /*overwrite=*/true});  // WriteFile's file
  ASSERT_TRUE(backend->Prepare({{"vm-0", 4 * kMiB}}).ok());
  auto q = backend->NewQueue({0}, 4);
  ASSERT_TRUE(q.ok()) << q.error().message;
  ASSERT_TRUE(
      (*q)->Submit(std::vector<IoRequest>{Request(9, OpKind::kDiscard, kMiB, 2 * kMiB)}).ok());
  auto done = ReapAll(**q, 1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].tag, 9u);
  EXPECT_EQ(done[0].result, static_cast<std::int64_t>(2 * kMiB));
  const struct stat st = Stat(path);
  EXPECT_EQ(static_cast<std::uint64_t>(st.st_size), 4 * kMiB) << "discard must keep the size";
  EXPECT_LE(static_cast<std::uint64_t>(blocks_before - st.st_blocks) * 512, 2 * kMiB);
  EXPECT_GE(static_cast<std::uint64_t>(blocks_before - st.st_blocks) * 512, 2 * kMiB - 64 * 1024)
      << "blocks before " << blocks_before << ", after " << st.st_blocks;
  // The hole reads as zeroes; the data around it is untouched.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(lseek(fd, 0, SEEK_HOLE), static_cast<off_t>(kMiB));
  char c = 1;
  EXPECT_EQ(pread(fd, &c, 1, static_cast<off_t>(2 * kMiB)), 1);
  EXPECT_EQ(c, 0);
  EXPECT_EQ(pread(fd, &c, 1, static_cast<off_t>(3 * kMiB)), 1);
  EXPECT_EQ(c, 'd');
  close(fd);
}

TEST(FileBackend, MissingPathIsBadInputNamingThePath) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string missing = dir.path() + "/no/such/dir";
  auto backend = MakeFileBackend({missing, true});
  auto images = backend->Prepare({{"vm-0", kMiB}});
  ASSERT_FALSE(images.ok());
  EXPECT_EQ(images.error().code, ErrorCode::kBadInput);
  EXPECT_NE(images.error().message.find(missing), std::string::npos) << images.error().message;
  EXPECT_NE(images.error().message.find("No such file or directory"), std::string::npos)
      << images.error().message;
}

TEST(FileBackend, DirectOnTmpfsSaysToSetDirectFalse) {
  struct statfs fs {};
  if (statfs("/dev/shm", &fs) != 0 || fs.f_type != TMPFS_MAGIC) {
    GTEST_SKIP() << "/dev/shm is not a tmpfs here";
  }
  std::string tmpl = "/dev/shm/healbench-file-test.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  const std::string dir = tmpl;
  struct Cleanup {
    std::string d;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(d, ec);
    }
  } cleanup{dir};
  // Linux >= 6.6 lets tmpfs open files with O_DIRECT; then there is no refusal to see.
  const std::string probe = dir + "/probe";
  const int pfd = open(probe.c_str(), O_RDWR | O_CREAT | O_DIRECT | O_CLOEXEC, 0644);
  if (pfd >= 0) {
    close(pfd);
    unlink(probe.c_str());
    GTEST_SKIP() << "tmpfs accepts O_DIRECT on this kernel (Linux >= 6.6), so it is not refused";
  }
  auto backend = MakeFileBackend({dir, true});
  auto images = backend->Prepare({{"vm-0", kMiB}});
  ASSERT_FALSE(images.ok());
  EXPECT_EQ(images.error().code, ErrorCode::kBadInput);
  EXPECT_NE(images.error().message.find("set backend.direct = false"), std::string::npos)
      << images.error().message;
  EXPECT_NE(images.error().message.find(dir + "/vm-0.img"), std::string::npos)
      << images.error().message;
}

TEST(FileBackend, ExistingFileSmallerThanImageSizeIsRefused) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string path = dir.path() + "/small.img";
  WriteFile(path, kMiB, 's');
  auto backend = MakeFileBackend({path, true});
  auto images = backend->Prepare({{"vm-0", 2 * kMiB}});
  ASSERT_FALSE(images.ok());
  EXPECT_EQ(images.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(images.error().message,
            "images.size 2097152 bytes exceeds " + path + " (1048576 bytes)");
  EXPECT_EQ(static_cast<std::uint64_t>(Stat(path).st_size), kMiB) << "the file must not be grown";
}

TEST(FileBackend, ExistingFileOfEnoughSizeIsTheSingleImage) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string path = dir.path() + "/disk.img";
  WriteFile(path, 2 * kMiB, 'e');
  auto backend = MakeFileBackend({path, true, /*overwrite=*/true});
  auto images = backend->Prepare({{"vm-0", kMiB}});
  ASSERT_TRUE(images.ok()) << images.error().message;
  EXPECT_EQ((*images)[0].location, path);
  EXPECT_FALSE((*images)[0].created);
  EXPECT_EQ((*images)[0].size_bytes, kMiB);
}

TEST(FileBackend, ExistingFileHealbenchDidNotCreateIsRefusedAndUntouched) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string path = dir.path() + "/disk.img";
  WriteFile(path, 2 * kMiB, 'e');
  auto backend = MakeFileBackend({path, true});
  auto images = backend->Prepare({{"vm-0", kMiB}});
  ASSERT_FALSE(images.ok());
  EXPECT_EQ(images.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(images.error().message.rfind(path + " is an existing file healbench did not create", 0),
            0u)
      << images.error().message;
}

// A foreign vm-1.img among the images: refused before vm-0.img is even created, and the
// foreign file keeps its size and bytes.
TEST(FileBackend, ForeignImageInTheDirectoryStopsPrepareBeforeAnythingIsCreated) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string foreign = dir.path() + "/vm-1.img";
  WriteFile(foreign, kMiB, 'f');
  auto backend = MakeFileBackend({dir.path(), true});
  auto images = backend->Prepare({{"vm-0", 4 * kMiB}, {"vm-1", 4 * kMiB}});
  ASSERT_FALSE(images.ok());
  EXPECT_EQ(images.error().code, ErrorCode::kBadInput);
  EXPECT_NE(images.error().message.find(foreign), std::string::npos) << images.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/vm-0.img"));
  EXPECT_EQ(static_cast<std::uint64_t>(Stat(foreign).st_size), kMiB) << "must not be grown";
}

// With force the foreign image is used, and it stays healbench's-not: no mark is added, so
// the next run without force refuses it again.
TEST(FileBackend, ForceUsesAForeignImageWithoutClaimingIt) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string foreign = dir.path() + "/vm-0.img";
  WriteFile(foreign, kMiB, 'f');
  {
    auto forced = MakeFileBackend({dir.path(), true, /*overwrite=*/true});
    auto images = forced->Prepare({{"vm-0", kMiB}});
    ASSERT_TRUE(images.ok()) << images.error().message;
    EXPECT_FALSE((*images)[0].created);
  }
  auto again = MakeFileBackend({dir.path(), true});
  EXPECT_FALSE(again->Prepare({{"vm-0", kMiB}}).ok());
}

// Prepare fails on the second image (a dangling symlink in its place, which O_EXCL will not
// follow): the first image, created by this run, is removed; the symlink, not ours, stays.
TEST(FileBackend, FailedPrepareRemovesOnlyWhatThisRunCreated) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string link = dir.path() + "/vm-1.img";
  std::filesystem::create_symlink(dir.path() + "/missing/target.img", link);
  auto backend = MakeFileBackend({dir.path(), true});
  auto images = backend->Prepare({{"vm-0", kMiB}, {"vm-1", kMiB}});
  ASSERT_FALSE(images.ok());
  EXPECT_NE(images.error().message.find(link), std::string::npos) << images.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/vm-0.img"));
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/missing"));
}

TEST(FileBackend, CreatedImagesCarryHealbenchsMark) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  auto backend = MakeFileBackend({dir.path(), true});
  auto images = backend->Prepare({{"vm-0", kMiB}});
  ASSERT_TRUE(images.ok()) << images.error().message;
  EXPECT_TRUE(ReadImageMark(dir.path() + "/vm-0.img").has_value());
}

TEST(FileBackend, SingleFileWithTwoImagesIsRefused) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string path = dir.path() + "/disk.img";
  WriteFile(path, kMiB, 'e');
  auto backend = MakeFileBackend({path, true});
  auto images = backend->Prepare({{"vm-0", kMiB}, {"vm-1", kMiB}});
  ASSERT_FALSE(images.ok());
  EXPECT_EQ(images.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(images.error().message, "backend.path " + path +
                                        " is a single file but images.count is 2: use a "
                                        "directory for several images");
}

TEST(FileBackend, ReapWithTimeoutReturnsNothingWhenIdle) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  auto backend = MakeFileBackend({dir.path(), true});
  ASSERT_TRUE(backend->Prepare({{"vm-0", kMiB}}).ok());
  auto q = backend->NewQueue({0}, 4);
  ASSERT_TRUE(q.ok()) << q.error().message;
  std::vector<IoCompletion> out(4);
  auto n = (*q)->Reap(out, 1, 20 * kNsPerMs);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 0u);
  n = (*q)->Reap(out, 0, 0);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 0u);
}

}  // namespace
}  // namespace healbench
