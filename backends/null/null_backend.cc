// Null backend: Submit turns each request into a completion with the full length; Reap
// hands them back. No I/O, no waiting.
#include "backends/null/null_backend.h"

#include <algorithm>
#include <vector>

namespace healbench {
namespace {

class NullQueue final : public BackendQueue {
 public:
  explicit NullQueue(std::uint32_t depth) { ready_.reserve(depth); }

  Result<void> RegisterBuffers(std::span<void* const>, std::uint32_t) override { return Ok(); }

  Result<void> Submit(std::span<const IoRequest> requests) override {
    for (const IoRequest& r : requests) {
      ready_.push_back({r.tag, static_cast<std::int64_t>(r.length)});
    }
    return Ok();
  }

  Result<std::size_t> Reap(std::span<IoCompletion> out, std::size_t, Nanos) override {
    const std::size_t n = std::min(out.size(), ready_.size() - head_);
    std::copy_n(ready_.begin() + static_cast<std::ptrdiff_t>(head_), n, out.begin());
    head_ += n;
    if (head_ == ready_.size()) {
      ready_.clear();
      head_ = 0;
    }
    return n;
  }

  void CancelAll() override {}

 private:
  std::vector<IoCompletion> ready_;
  std::size_t head_ = 0;
};

class NullBackend final : public Backend {
 public:
  std::string Kind() const override { return "null"; }
  Capabilities Caps() const override {
    return {.flush = true,
            .discard = true,
            .registered_buffers = false,
            .alignment = 1,
            .keeps_data = false};
  }
  Result<std::vector<ImageInfo>> Prepare(const std::vector<ImageSpec>& images) override {
    std::vector<ImageInfo> out;
    for (const ImageSpec& s : images)
      out.push_back({s.name, "null:" + s.name, s.size_bytes, false});
    return out;
  }
  Result<std::unique_ptr<BackendQueue>> NewQueue(const std::vector<std::uint32_t>&,
                                                 std::uint32_t depth) override {
    return std::unique_ptr<BackendQueue>(std::make_unique<NullQueue>(depth));
  }
};

}  // namespace

std::unique_ptr<Backend> MakeNullBackend() { return std::make_unique<NullBackend>(); }

}  // namespace healbench
