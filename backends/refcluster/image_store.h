// A node's images: sparse files DIR/NAME.img, each with a durable pending-change bitmap
// DIR/NAME.pending (one bit per kRegionBytes region) that survives a node restart.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "harness/core/result.h"

namespace healbench::ref {

constexpr std::uint64_t kRegionBytes = 1u << 20;

class Image {
 public:
  ~Image();
  Image(const Image&) = delete;
  Image& operator=(const Image&) = delete;

  // Creates (sparse) or opens DIR/NAME.img, grown to size_bytes if smaller, and loads the marks.
  static Result<std::unique_ptr<Image>> Open(const std::string& dir, const std::string& name,
                                             std::uint64_t size_bytes);

  const std::string& name() const { return name_; }
  std::uint64_t size_bytes() const { return size_bytes_; }

  // 0 or an errno value.
  int Read(std::uint64_t offset, std::span<std::uint8_t> out) const;
  int Write(std::uint64_t offset, std::span<const std::uint8_t> data) const;
  int Flush() const;
  // Marks or clears the regions covering [offset, offset + length); durable on return.
  // A set mark is durable on return; a cleared one is written but not synced (a clear lost
  // in a crash only makes a heal copy that region again).
  int SetPending(std::uint64_t offset, std::uint64_t length, bool pending);
  // Marks every region whose bit is set in `bitmap` (bit i = region i), with one durable
  // write: a resync marks a whole dirty set on its target at once.
  int MarkPendingBitmap(std::span<const std::uint8_t> bitmap);
  std::vector<std::uint8_t> PendingBitmap() const;
  std::uint64_t PendingRegions() const;

 private:
  Image() = default;
  int PersistLocked(std::size_t first_byte, std::size_t last_byte, bool sync = true);

  std::string name_;
  std::uint64_t size_bytes_ = 0;
  int fd_ = -1;
  int pending_fd_ = -1;
  mutable std::mutex mu_;
  std::vector<std::uint8_t> pending_;  // bit i = region i
};

// Images by name, shared by all connections of one node.
class ImageStore {
 public:
  explicit ImageStore(std::string dir) : dir_(std::move(dir)) {}
  Result<Image*> Open(const std::string& name, std::uint64_t size_bytes);
  // {"images":[{"name":…,"size_bytes":…,"pending_regions":…,"pending_bytes":…}]}
  std::string StatusJson() const;
  // Extra members for an image's status object (text starting with ','), e.g. test fault
  // counters; called under the store's lock.
  void SetStatusExtra(std::function<std::string(const std::string& image)> extra) {
    status_extra_ = std::move(extra);
  }

 private:
  const std::string dir_;
  std::function<std::string(const std::string& image)> status_extra_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Image>> images_;
};

}  // namespace healbench::ref
