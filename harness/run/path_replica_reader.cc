// File-backed replica reads. See path_replica_reader.h.
#include "harness/run/path_replica_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace healbench {
namespace {

class PathReplicaReader final : public ReplicaReader {
 public:
  PathReplicaReader(std::string node, std::vector<std::string> paths)
      : node_(std::move(node)), paths_(std::move(paths)), fds_(paths_.size(), -1) {}
  ~PathReplicaReader() override {
    for (int fd : fds_) {
      if (fd >= 0) close(fd);
    }
  }
  PathReplicaReader(const PathReplicaReader&) = delete;
  PathReplicaReader& operator=(const PathReplicaReader&) = delete;

  std::string Node() const override { return node_; }

  Result<void> Read(std::uint32_t image, std::uint64_t offset, std::span<std::uint8_t> out,
                    Nanos) override {
    if (image >= paths_.size()) return MakeError(ErrorCode::kInternal, node_ + ": no such image");
    int& fd = fds_[image];
    if (fd < 0) fd = open(paths_[image].c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return MakeError(ErrorCode::kIo, node_ + ": " + paths_[image] + ": " + std::strerror(errno));
    }
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n =
          pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        return MakeError(ErrorCode::kIo,
                         node_ + ": " + paths_[image] + ": " + std::strerror(errno));
      }
      if (n == 0) {  // past the end of a sparse file: zeros
        std::memset(out.data() + done, 0, out.size() - done);
        break;
      }
      done += static_cast<std::size_t>(n);
    }
    return Ok();
  }

 private:
  std::string node_;
  std::vector<std::string> paths_;
  std::vector<int> fds_;
};

}  // namespace

Result<std::vector<std::unique_ptr<ReplicaReader>>> OpenPathReplicaReaders(
    const Scenario& s, const std::vector<std::string>& image_names) {
  std::vector<std::unique_ptr<ReplicaReader>> out;
  for (const auto& [name, node] : s.nodes) {
    if (node.replica_path.empty()) continue;
    std::vector<std::string> paths;
    for (const std::string& image : image_names) {
      std::string p = node.replica_path;
      const std::size_t at = p.find("{image}");
      if (at == std::string::npos) {
        return MakeError(ErrorCode::kBadInput, "nodes." + name + ".replica_path " + p +
                                                   ": needs {image} for the image's file name");
      }
      p.replace(at, 7, image + ".img");
      paths.push_back(p);
    }
    out.push_back(std::make_unique<PathReplicaReader>(name, std::move(paths)));
  }
  return out;
}

}  // namespace healbench
