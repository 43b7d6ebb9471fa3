// Per-node direct reader. See ref_replica_reader.h.
#include "backends/refcluster/ref_replica_reader.h"

#include <cstring>

#include "backends/refcluster/replica_connection.h"

namespace healbench::ref {
namespace {

class RefReplicaReader final : public ReplicaReader {
 public:
  RefReplicaReader(std::string node, std::unique_ptr<ReplicaConnection> conn)
      : node_(std::move(node)), conn_(std::move(conn)) {}
  ~RefReplicaReader() override { conn_->Close(); }

  std::string Node() const override { return node_; }

  Result<void> Read(std::uint32_t image, std::uint64_t offset, std::span<std::uint8_t> out,
                    Nanos timeout_ns) override {
    std::size_t done = 0;
    while (done < out.size()) {
      const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(out.size() - done, 1 << 20));
      auto r = conn_->Call(RequestHeader(FrameType::kRead, image, offset + done, n, kFlagInspect),
                           {}, timeout_ns);
      if (!r.ok()) return MakeError(r.error().code, node_ + ": READ: " + r.error().message);
      if (r->status != 0 || r->payload.size() != n) {
        return MakeError(ErrorCode::kIo, node_ + ": READ at " + std::to_string(offset + done) +
                                             " failed: " + std::strerror(r->status));
      }
      std::memcpy(out.data() + done, r->payload.data(), n);
      done += n;
    }
    return Ok();
  }

 private:
  std::string node_;
  std::unique_ptr<ReplicaConnection> conn_;
};

}  // namespace

Result<std::unique_ptr<ReplicaReader>> OpenRefReplicaReader(const std::string& node,
                                                            const HostPort& addr,
                                                            const std::vector<ImageSpec>& images,
                                                            const std::string& token,
                                                            Nanos timeout_ns) {
  auto conn = ReplicaConnection::Open(addr, token, timeout_ns);
  if (!conn.ok()) return MakeError(conn.error().code, node + ": " + conn.error().message);
  if (auto rc = OpenImages(**conn, images, timeout_ns); !rc.ok()) {
    (*conn)->Close();
    return MakeError(rc.error().code, node + ": " + rc.error().message);
  }
  return std::unique_ptr<ReplicaReader>(std::make_unique<RefReplicaReader>(node, std::move(*conn)));
}

}  // namespace healbench::ref
