// The I/O vocabulary shared by workloads, backends and the harness: what one request is,
// what its completion says. Kept plain so the hot path copies small structs, nothing more.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace healbench {

enum class OpKind : std::uint8_t { kRead = 0, kWrite = 1, kFlush = 2, kDiscard = 3 };

constexpr int kOpKinds = 4;
// Op classes that results report on (read, write, flush). Discard is counted with writes.
constexpr int kReportedOps = 3;

constexpr std::string_view OpName(OpKind op) {
  switch (op) {
    case OpKind::kRead:
      return "read";
    case OpKind::kWrite:
      return "write";
    case OpKind::kFlush:
      return "flush";
    case OpKind::kDiscard:
      return "discard";
  }
  return "?";
}

// Which reported class an op belongs to (0 read, 1 write, 2 flush).
constexpr int ReportedOpIndex(OpKind op) {
  return op == OpKind::kRead ? 0 : (op == OpKind::kFlush ? 2 : 1);
}

// One I/O as a workload hands it out: which image, what, where, how much.
struct IoSpec {
  std::uint32_t image = 0;  // index into the run's image list
  OpKind op = OpKind::kRead;
  std::uint64_t offset = 0;  // bytes
  std::uint32_t length = 0;  // bytes; 0 for flush
};

// One I/O as a backend sees it: the spec plus the buffer and a tag for the completion.
struct IoRequest {
  std::uint64_t tag = 0;    // opaque to the backend, echoed in the completion
  std::uint32_t image = 0;  // run-wide image index (as in Prepare's list)
  OpKind op = OpKind::kRead;
  std::uint64_t offset = 0;
  std::uint32_t length = 0;
  void* buffer = nullptr;          // aligned to the backend's alignment, length bytes
  std::int32_t buffer_index = -1;  // index of a registered buffer, or -1
};

// A finished I/O: result is bytes transferred (>= 0) or -errno.
struct IoCompletion {
  std::uint64_t tag = 0;
  std::int64_t result = 0;
};

}  // namespace healbench
