// Sparse image files and their pending bitmaps. Data goes through pread/pwrite; a mark is
// written and fdatasync'ed only when a bit changes, so the steady state costs nothing.
#include "backends/refcluster/image_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace healbench::ref {
namespace {

Error Errno(const std::string& what) {
  const int e = errno;
  return MakeError(ErrorCode::kIo,
                   what + ": " + strerror(e) + " [errno " + std::to_string(e) + "]");
}

bool ValidName(const std::string& n) {
  if (n.empty() || n.size() > 200 || n[0] == '.') return false;
  for (char c : n) {
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  }
  return true;
}

}  // namespace

Image::~Image() {
  if (fd_ >= 0) close(fd_);
  if (pending_fd_ >= 0) close(pending_fd_);
}

Result<std::unique_ptr<Image>> Image::Open(const std::string& dir, const std::string& name,
                                           std::uint64_t size_bytes) {
  if (!ValidName(name)) {
    return MakeError(ErrorCode::kBadInput, "image name \"" + name + "\": use [A-Za-z0-9._-]");
  }
  std::unique_ptr<Image> img(new Image());
  img->name_ = name;
  const std::string path = dir + "/" + name + ".img";
  img->fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (img->fd_ < 0) return Errno("open " + path);
  const off_t cur = lseek(img->fd_, 0, SEEK_END);
  if (cur < 0) return Errno("lseek " + path);
  if (static_cast<std::uint64_t>(cur) < size_bytes &&
      ftruncate(img->fd_, static_cast<off_t>(size_bytes)) != 0) {
    return Errno("ftruncate " + path);
  }
  img->size_bytes_ = std::max<std::uint64_t>(size_bytes, static_cast<std::uint64_t>(cur));
  const std::string pending_path = dir + "/" + name + ".pending";
  img->pending_fd_ = open(pending_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (img->pending_fd_ < 0) return Errno("open " + pending_path);
  const std::uint64_t regions = (img->size_bytes_ + kRegionBytes - 1) / kRegionBytes;
  img->pending_.assign((regions + 7) / 8, 0);
  const ssize_t got = pread(img->pending_fd_, img->pending_.data(), img->pending_.size(), 0);
  if (got < 0) return Errno("read " + pending_path);
  return img;
}

int Image::Read(std::uint64_t offset, std::span<std::uint8_t> out) const {
  if (offset > size_bytes_ || out.size() > size_bytes_ - offset) return EINVAL;
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n =
        pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) {  // a hole at the end: zeros
      memset(out.data() + done, 0, out.size() - done);
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

int Image::Write(std::uint64_t offset, std::span<const std::uint8_t> data) const {
  if (offset > size_bytes_ || data.size() > size_bytes_ - offset) return EINVAL;
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n =
        pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

int Image::Flush() const {
  if (fdatasync(fd_) != 0) return errno;
  return 0;
}

int Image::PersistLocked(std::size_t first_byte, std::size_t last_byte, bool sync) {
  const std::size_t n = last_byte - first_byte + 1;
  if (pwrite(pending_fd_, pending_.data() + first_byte, n, static_cast<off_t>(first_byte)) !=
      static_cast<ssize_t>(n)) {
    return errno != 0 ? errno : EIO;
  }
  return sync && fdatasync(pending_fd_) != 0 ? errno : 0;
}

int Image::SetPending(std::uint64_t offset, std::uint64_t length, bool pending) {
  if (offset >= size_bytes_ || length == 0) return offset > size_bytes_ ? EINVAL : 0;
  const std::uint64_t end = std::min(size_bytes_, offset + length);
  const std::uint64_t first = offset / kRegionBytes;
  const std::uint64_t last = (end - 1) / kRegionBytes;
  std::lock_guard<std::mutex> lock(mu_);
  bool changed = false;
  for (std::uint64_t r = first; r <= last; ++r) {
    const auto bit = static_cast<std::uint8_t>(1u << (r % 8));
    std::uint8_t& byte = pending_[r / 8];
    const auto now = static_cast<std::uint8_t>(pending ? (byte | bit) : (byte & ~bit));
    changed = changed || now != byte;
    byte = now;
  }
  return changed ? PersistLocked(first / 8, last / 8, pending) : 0;
}

int Image::MarkPendingBitmap(std::span<const std::uint8_t> bitmap) {
  std::lock_guard<std::mutex> lock(mu_);
  bool changed = false;
  for (std::size_t i = 0; i < bitmap.size() && i < pending_.size(); ++i) {
    const auto now = static_cast<std::uint8_t>(pending_[i] | bitmap[i]);
    changed = changed || now != pending_[i];
    pending_[i] = now;
  }
  return changed ? PersistLocked(0, pending_.size() - 1) : 0;
}

std::vector<std::uint8_t> Image::PendingBitmap() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_;
}

std::uint64_t Image::PendingRegions() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::uint64_t n = 0;
  for (std::uint8_t b : pending_) n += static_cast<std::uint64_t>(__builtin_popcount(b));
  return n;
}

Result<Image*> ImageStore::Open(const std::string& name, std::uint64_t size_bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = images_.find(name);
  if (it != images_.end()) return it->second.get();
  auto img = Image::Open(dir_, name, size_bytes);
  if (!img.ok()) return img.error();
  Image* p = img->get();
  images_[name] = std::move(*img);
  return p;
}

std::string ImageStore::StatusJson() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out = "{\"images\":[";
  bool first = true;
  for (const auto& [name, img] : images_) {
    const std::uint64_t regions = img->PendingRegions();
    out += std::string(first ? "" : ",") + "{\"name\":\"" + name +
           "\",\"size_bytes\":" + std::to_string(img->size_bytes()) +
           ",\"pending_regions\":" + std::to_string(regions) +
           ",\"pending_bytes\":" + std::to_string(regions * kRegionBytes) +
           (status_extra_ ? status_extra_(name) : "") + "}";
    first = false;
  }
  return out + "]}";
}

}  // namespace healbench::ref
