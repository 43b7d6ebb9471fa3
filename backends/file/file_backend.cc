// io_uring file backend. Images are opened once in Prepare (shared, read-only after);
// each worker gets its own ring with the image fds registered as fixed files and, where
// the kernel allows, its buffers registered too. A slot per in-flight request remembers
// progress so short transfers are resubmitted for their remainder.
#include "backends/file/file_backend.h"

#include <fcntl.h>
#include <liburing.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "backends/file/image_marker.h"
#include "backends/file/overwrite_guard.h"

namespace healbench {
namespace {

std::string ErrnoText(int err) {
  return std::string(strerror(err)) + " [errno " + std::to_string(err) + "]";
}

Error IoError(const std::string& what, int err) {
  return MakeError(ErrorCode::kIo, what + ": " + ErrnoText(err));
}

struct OpenImage {
  int fd = -1;
  ImageInfo info;
};

class FileQueue final : public BackendQueue {
 public:
  FileQueue() = default;
  FileQueue(const FileQueue&) = delete;
  FileQueue& operator=(const FileQueue&) = delete;
  ~FileQueue() override {
    if (ring_ok_) io_uring_queue_exit(&ring_);
  }

  Result<void> Init(const std::vector<int>& fds, std::uint32_t depth) {
    depth_ = depth;
    io_uring_params p{};
    // One thread submits and reaps: let the kernel skip cross-thread work, and run task
    // work only when we ask for completions. Fall back for older kernels.
    p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    const unsigned entries = std::max(depth * 2, 8u);
    int rc = io_uring_queue_init_params(entries, &ring_, &p);
    if (rc == -EINVAL) {
      io_uring_params plain{};
      rc = io_uring_queue_init_params(entries, &ring_, &plain);
    }
    if (rc < 0) return IoError("io_uring_queue_init(" + std::to_string(entries) + " entries)", -rc);
    ring_ok_ = true;
    rc = io_uring_register_files(&ring_, fds.data(), static_cast<unsigned>(fds.size()));
    fixed_files_ = rc == 0;
    fds_ = fds;
    slots_.resize(depth);
    free_.reserve(depth);
    for (std::uint32_t i = depth; i > 0; --i) free_.push_back(i - 1);
    return Ok();
  }

  Result<void> RegisterBuffers(std::span<void* const> buffers,
                               std::uint32_t buffer_bytes) override {
    std::vector<iovec> iov;
    for (void* b : buffers) iov.push_back({b, buffer_bytes});
    // Registration pins memory; when the limit refuses it we go on without (slower, same result).
    fixed_buffers_ =
        io_uring_register_buffers(&ring_, iov.data(), static_cast<unsigned>(iov.size())) == 0;
    return Ok();
  }

  Result<void> Submit(std::span<const IoRequest> requests) override {
    if (auto rc = QueueAll(requests); !rc.ok()) return rc;
    const int rc = io_uring_submit(&ring_);
    if (rc < 0) return IoError("io_uring_submit", -rc);
    return Ok();
  }

  Result<std::size_t> Reap(std::span<IoCompletion> out, std::size_t min_complete,
                           Nanos timeout_ns) override {
    return ReapCompletions(out, min_complete, timeout_ns, false);
  }

  // One io_uring_enter for both: the new requests go out and the same call waits.
  Result<std::size_t> SubmitAndReap(std::span<const IoRequest> requests,
                                    std::span<IoCompletion> out, std::size_t min_complete,
                                    Nanos timeout_ns) override {
    if (requests.empty()) return ReapCompletions(out, min_complete, timeout_ns, false);
    if (auto rc = QueueAll(requests); !rc.ok()) return rc.error();
    if (min_complete == 0 || out.empty()) {
      const int rc = io_uring_submit(&ring_);
      if (rc < 0) return IoError("io_uring_submit", -rc);
      return ReapCompletions(out, min_complete, timeout_ns, false);
    }
    return ReapCompletions(out, min_complete, timeout_ns, true);
  }

  void CancelAll() override {
    for (std::uint32_t s = 0; s < slots_.size(); ++s) {
      if (!slots_[s].busy) continue;
      io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
      if (sqe == nullptr) break;
      io_uring_prep_cancel64(sqe, s, 0);
      io_uring_sqe_set_data64(sqe, kCancelTag);
    }
    io_uring_submit(&ring_);
  }

 private:
  // Puts every request on the submission queue without entering the kernel.
  Result<void> QueueAll(std::span<const IoRequest> requests) {
    for (const IoRequest& r : requests) {
      if (free_.empty())
        return MakeError(ErrorCode::kInternal,
                         "file backend: more I/Os submitted than the queue depth");
      const std::uint32_t s = free_.back();
      free_.pop_back();
      slots_[s] = Slot{r, 0, true};
      if (!Queue(s)) return MakeError(ErrorCode::kInternal, "file backend: submission queue full");
    }
    return Ok();
  }

  // Reap; with submit set, queued requests go out in the same system call as the wait
  // (the caller guarantees min_complete > 0 and room in out, so the wait happens).
  Result<std::size_t> ReapCompletions(std::span<IoCompletion> out, std::size_t min_complete,
                                      Nanos timeout_ns, bool submit) {
    std::size_t n = 0;
    bool waited = false;
    while (n < out.size()) {
      io_uring_cqe* cqe = nullptr;
      int rc;
      if (n < min_complete && !waited) {
        __kernel_timespec ts{.tv_sec = timeout_ns / kNsPerSec, .tv_nsec = timeout_ns % kNsPerSec};
        // Always with a timespec: even a zero wait enters the kernel, which runs the deferred
        // task work that turns finished I/O into completions.
        waited = true;
        if (submit) {
          // Returns how many were submitted (even when the wait then timed out), or -errno;
          // -ETIME only when nothing was left to submit.
          rc = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
          if (rc == -ETIME || rc == -EINTR) break;
          if (rc < 0) return IoError("io_uring_submit_and_wait_timeout", -rc);
          if (cqe == nullptr) {
            rc = io_uring_peek_cqe(&ring_, &cqe);
            if (rc == -EAGAIN) break;
          }
        } else {
          rc = io_uring_wait_cqe_timeout(&ring_, &cqe, &ts);
          if (rc == -ETIME || rc == -EINTR) break;
        }
      } else {
        rc = io_uring_peek_cqe(&ring_, &cqe);
        if (rc == -EAGAIN) {
          if (n >= min_complete || waited) break;
          continue;
        }
      }
      if (rc < 0) return IoError("io_uring_wait_cqe", -rc);
      const std::uint64_t data = io_uring_cqe_get_data64(cqe);
      const std::int32_t res = cqe->res;
      io_uring_cqe_seen(&ring_, cqe);
      if (data == kCancelTag) continue;
      if (HandleCompletion(static_cast<std::uint32_t>(data), res, &out[n])) ++n;
    }
    if (resubmitted_) {
      resubmitted_ = false;
      const int rc = io_uring_submit(&ring_);
      if (rc < 0) return IoError("io_uring_submit (remainder of a short transfer)", -rc);
    }
    return n;
  }

  static constexpr std::uint64_t kCancelTag = ~0ull;

  struct Slot {
    IoRequest req;
    std::uint32_t done = 0;  // bytes transferred so far
    bool busy = false;
  };

  // Puts the slot's (remaining) transfer on the submission queue.
  bool Queue(std::uint32_t s) {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    if (sqe == nullptr) {
      io_uring_submit(&ring_);
      sqe = io_uring_get_sqe(&ring_);
      if (sqe == nullptr) return false;
    }
    const Slot& slot = slots_[s];
    const IoRequest& r = slot.req;
    const int fd = fixed_files_ ? static_cast<int>(r.image) : fds_[r.image];
    char* buf = static_cast<char*>(r.buffer) + slot.done;
    const unsigned len = r.length - slot.done;
    const std::uint64_t off = r.offset + slot.done;
    const bool fixed_buf = fixed_buffers_ && r.buffer_index >= 0;
    switch (r.op) {
      case OpKind::kRead:
        if (fixed_buf)
          io_uring_prep_read_fixed(sqe, fd, buf, len, off, r.buffer_index);
        else
          io_uring_prep_read(sqe, fd, buf, len, off);
        break;
      case OpKind::kWrite:
        if (fixed_buf)
          io_uring_prep_write_fixed(sqe, fd, buf, len, off, r.buffer_index);
        else
          io_uring_prep_write(sqe, fd, buf, len, off);
        break;
      case OpKind::kFlush:
        io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
        break;
      case OpKind::kDiscard:
        io_uring_prep_fallocate(sqe, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len);
        break;
    }
    if (fixed_files_) sqe->flags |= IOSQE_FIXED_FILE;
    io_uring_sqe_set_data64(sqe, s);
    return true;
  }

  // Returns true when the request is finished (completion written to *out).
  bool HandleCompletion(std::uint32_t s, std::int32_t res, IoCompletion* out) {
    Slot& slot = slots_[s];
    const bool transfer = slot.req.op == OpKind::kRead || slot.req.op == OpKind::kWrite;
    if (res == -EAGAIN || res == -EINTR) {
      if (Queue(s)) {
        resubmitted_ = true;
        return false;
      }
    }
    if (transfer && res > 0 && slot.done + static_cast<std::uint32_t>(res) < slot.req.length) {
      slot.done += static_cast<std::uint32_t>(res);  // short transfer: go on from there
      if (Queue(s)) {
        resubmitted_ = true;
        return false;
      }
    }
    std::int64_t result = res;
    if (res >= 0) result = transfer ? static_cast<std::int64_t>(slot.done) + res : slot.req.length;
    if (transfer && res == 0 && slot.done < slot.req.length) result = -EIO;  // EOF inside the image
    *out = IoCompletion{slot.req.tag, result};
    slot.busy = false;
    free_.push_back(s);
    return true;
  }

  io_uring ring_{};
  bool ring_ok_ = false;
  bool fixed_files_ = false;
  bool fixed_buffers_ = false;
  bool resubmitted_ = false;
  std::uint32_t depth_ = 0;
  std::vector<int> fds_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
};

class FileBackend final : public Backend {
 public:
  explicit FileBackend(FileBackendOptions o) : options_(std::move(o)) {}
  ~FileBackend() override {
    for (OpenImage& im : images_) {
      if (im.fd >= 0) close(im.fd);
    }
  }
  FileBackend(const FileBackend&) = delete;
  FileBackend& operator=(const FileBackend&) = delete;

  std::string Kind() const override { return "file"; }
  Capabilities Caps() const override {
    return {.flush = true,
            .discard = true,
            .registered_buffers = true,
            .alignment = options_.direct ? 4096u : 512u};
  }

  Result<std::vector<ImageInfo>> Prepare(const std::vector<ImageSpec>& specs) override {
    struct stat st {};
    if (stat(options_.path.c_str(), &st) != 0) {
      return MakeError(ErrorCode::kBadInput,
                       "backend.path " + options_.path + ": " + ErrnoText(errno));
    }
    const int flags = O_RDWR | O_CLOEXEC | (options_.direct ? O_DIRECT : 0);
    if (S_ISDIR(st.st_mode)) {
      // Every existing image is checked before anything is created or written.
      for (const ImageSpec& s : specs) {
        const std::string path = ImagePath(s);
        if (access(path.c_str(), F_OK) != 0) continue;
        if (auto rc = CheckBeforeOverwrite(path, options_.overwrite); !rc.ok()) return rc.error();
        checked_.push_back(path);
      }
      for (const ImageSpec& s : specs) {
        auto im = OpenInDirectory(s, flags);
        if (!im.ok()) {
          RemoveImagesCreatedHere();
          return im.error();
        }
        images_.push_back(std::move(*im));
      }
    } else if (S_ISBLK(st.st_mode) || S_ISREG(st.st_mode)) {
      if (specs.size() != 1) {
        return MakeError(ErrorCode::kBadInput, "backend.path " + options_.path + " is a single " +
                                                   (S_ISBLK(st.st_mode) ? "block device" : "file") +
                                                   " but images.count is " +
                                                   std::to_string(specs.size()) +
                                                   ": use a directory for several images");
      }
      auto im = OpenExisting(specs[0], flags, S_ISBLK(st.st_mode));
      if (!im.ok()) return im.error();
      images_.push_back(std::move(*im));
    } else {
      return MakeError(ErrorCode::kBadInput,
                       "backend.path " + options_.path +
                           " is neither a directory, a block device nor a regular file");
    }
    std::vector<ImageInfo> out;
    for (const OpenImage& im : images_) out.push_back(im.info);
    return out;
  }

  Result<std::unique_ptr<BackendQueue>> NewQueue(const std::vector<std::uint32_t>&,
                                                 std::uint32_t depth) override {
    std::vector<int> fds;
    for (const OpenImage& im : images_) fds.push_back(im.fd);
    auto q = std::make_unique<FileQueue>();
    auto rc = q->Init(fds, depth);
    if (!rc.ok()) return rc.error();
    return std::unique_ptr<BackendQueue>(std::move(q));
  }

 private:
  Result<int> OpenFd(const std::string& path, int flags, bool create) {
    int fd = open(path.c_str(), flags | (create ? O_CREAT : 0), 0644);
    if (fd < 0 && errno == EINVAL && (flags & O_DIRECT) != 0) {
      return MakeError(
          ErrorCode::kBadInput,
          "open " + path + " (O_DIRECT): " + ErrnoText(EINVAL) +
              ": the filesystem does not support direct I/O; set backend.direct = false");
    }
    if (fd < 0) {
      const int err = errno;
      return MakeError(err == ENOENT || err == EACCES || err == EROFS || err == EISDIR
                           ? ErrorCode::kBadInput
                           : ErrorCode::kIo,
                       std::string("open ") + path +
                           ((flags & O_DIRECT) != 0 ? " (O_DIRECT)" : "") + ": " + ErrnoText(err));
    }
    return fd;
  }

  std::string ImagePath(const ImageSpec& s) const { return options_.path + "/" + s.name + ".img"; }

  // Opens an image in the directory, creating (O_EXCL, so "created" is exact) and marking
  // it as healbench's when it is not there.
  Result<OpenImage> OpenInDirectory(const ImageSpec& s, int flags) {
    const std::string path = ImagePath(s);
    bool created = true;
    auto fd = OpenFd(path, flags | O_EXCL, true);
    if (!fd.ok() && access(path.c_str(), F_OK) == 0) {
      created = false;  // existed; checked in Prepare unless it appeared since
      if (std::find(checked_.begin(), checked_.end(), path) == checked_.end()) {
        if (auto rc = CheckBeforeOverwrite(path, options_.overwrite); !rc.ok()) return rc.error();
      }
      fd = OpenFd(path, flags, false);
    }
    if (!fd.ok()) return fd.error();
    auto fail = [&](Error e) -> Result<OpenImage> {
      close(*fd);
      if (created) RemoveCreatedImage(path);
      return e;
    };
    if (created) {
      if (auto rc = MarkImageAsOwn(*fd, path, run_id_); !rc.ok()) return fail(rc.error());
    }
    struct stat st {};
    fstat(*fd, &st);
    if (static_cast<std::uint64_t>(st.st_size) < s.size_bytes &&
        ftruncate(*fd, static_cast<off_t>(s.size_bytes)) != 0) {
      const int err = errno;
      return fail(
          IoError("ftruncate " + path + " to " + std::to_string(s.size_bytes) + " bytes", err));
    }
    return OpenImage{*fd, ImageInfo{s.name, path, s.size_bytes, created}};
  }

  // After a failed Prepare: removes the images this run created, and only those.
  void RemoveImagesCreatedHere() {
    for (OpenImage& im : images_) {
      close(im.fd);
      im.fd = -1;
      if (im.info.created) RemoveCreatedImage(im.info.location);
    }
    images_.clear();
  }

  // Size of an existing file or block device, through a read-only descriptor.
  Result<std::uint64_t> ExistingSize(bool block) {
    auto fd = OpenFd(options_.path, O_RDONLY | O_CLOEXEC, false);
    if (!fd.ok()) return fd.error();
    std::uint64_t size = 0;
    struct stat st {};
    const int rc = block ? ioctl(*fd, BLKGETSIZE64, &size) : fstat(*fd, &st);
    const int err = errno;
    close(*fd);
    if (rc != 0) return IoError((block ? "ioctl BLKGETSIZE64 " : "fstat ") + options_.path, err);
    return block ? size : static_cast<std::uint64_t>(st.st_size);
  }

  // The single image on an existing file or device: its size is checked, then the overwrite
  // guard, and only then is it opened for writing (a mounted device may refuse a writable
  // open outright; the guard's message says why).
  Result<OpenImage> OpenExisting(const ImageSpec& s, int flags, bool block) {
    auto size = ExistingSize(block);
    if (!size.ok()) return size.error();
    if (s.size_bytes > *size) {
      return MakeError(ErrorCode::kBadInput, "images.size " + std::to_string(s.size_bytes) +
                                                 " bytes exceeds " + options_.path + " (" +
                                                 std::to_string(*size) + " bytes)");
    }
    if (auto rc = CheckBeforeOverwrite(options_.path, options_.overwrite); !rc.ok()) {
      return rc.error();
    }
    auto fd = OpenFd(options_.path, flags, false);
    if (!fd.ok()) return fd.error();
    return OpenImage{*fd, ImageInfo{s.name, options_.path, s.size_bytes, false}};
  }

  FileBackendOptions options_;
  std::vector<OpenImage> images_;
  const std::string run_id_ = NewRunId();  // the mark on the images this run creates
  std::vector<std::string> checked_;       // existing images the guard allowed
};

}  // namespace

std::unique_ptr<Backend> MakeFileBackend(const FileBackendOptions& options) {
  return std::make_unique<FileBackend>(options);
}

Result<void> ProbeIoUring() {
  io_uring ring{};
  const int rc = io_uring_queue_init(4, &ring, 0);
  if (rc < 0) return IoError("io_uring_queue_init", -rc);
  io_uring_queue_exit(&ring);
  return Ok();
}

}  // namespace healbench
