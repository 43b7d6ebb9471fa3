// Diff heal of a range: two CHECKSUM calls at once, then the runs of differing chunks read
// from the source and written to the target, each stage pipelined in one round trip.
#include "backends/refcluster/diff_heal.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <future>
#include <vector>

#include "backends/refcluster/chunk_checksum.h"

namespace healbench::ref {
namespace {

// The reply's chunk size and sums, or an error naming the node's role in the heal.
Result<std::vector<std::uint64_t>> Checksums(const Result<Reply>& reply, const char* role,
                                             std::uint64_t* chunk_bytes) {
  if (!reply.ok()) {
    return MakeError(ErrorCode::kUnavailable,
                     std::string("CHECKSUM from the ") + role + ": " + reply.error().message);
  }
  if (reply->status != 0) {
    return MakeError(ErrorCode::kUnavailable, std::string("CHECKSUM from the ") + role +
                                                  " failed with status " +
                                                  std::to_string(reply->status));
  }
  *chunk_bytes = reply->header.offset;
  return DecodeChunkChecksums(reply->payload);
}

// Sends every request before waiting for any reply (one round trip for all, not one each);
// each reply may take until timeout_ns after the sends.
// GCC 12 at -O2 reports the Reply inside Result's std::variant as "maybe uninitialized"
// when an Error is pushed below: a known false positive of -Wmaybe-uninitialized.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
std::vector<Result<Reply>> CallAll(ReplicaConnection& conn, const std::vector<FrameHeader>& hs,
                                   const std::vector<std::vector<std::uint8_t>>* payloads,
                                   Nanos timeout_ns) {
  std::vector<std::future<Reply>> replies;
  std::vector<bool> sent;
  for (std::size_t i = 0; i < hs.size(); ++i) {
    auto promise = std::make_shared<std::promise<Reply>>();
    replies.push_back(promise->get_future());
    sent.push_back(conn.Send(
        hs[i],
        payloads ? std::span<const std::uint8_t>((*payloads)[i]) : std::span<const std::uint8_t>(),
        [promise](int status, const FrameHeader& reply, std::vector<std::uint8_t>& data) {
          promise->set_value(Reply{status, reply, std::move(data)});
        }));
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(timeout_ns);
  std::vector<Result<Reply>> out;
  for (std::size_t i = 0; i < hs.size(); ++i) {
    if (!sent[i]) {
      out.push_back(MakeError(ErrorCode::kUnavailable, "connection closed"));
    } else if (replies[i].wait_until(deadline) != std::future_status::ready) {
      out.push_back(
          MakeError(ErrorCode::kTimeout, FrameTypeName(hs[i].type) + ": no reply within " +
                                             std::to_string(timeout_ns / kNsPerMs) + " ms"));
    } else {
      Reply r = replies[i].get();
      if (r.status == ENOTCONN && r.header.magic == 0) {
        out.push_back(MakeError(ErrorCode::kUnavailable, "connection closed"));
      } else {
        out.push_back(std::move(r));
      }
    }
  }
  return out;
}
#pragma GCC diagnostic pop

}  // namespace

Result<void> DiffHealRange(ReplicaConnection& source, ReplicaConnection& target,
                           std::uint32_t image, std::uint64_t offset, std::uint32_t length,
                           Nanos timeout_ns, DiffHealStats* stats) {
  // Both nodes read and sum the range at the same time.
  const FrameHeader ask = RequestHeader(FrameType::kChecksum, image, offset, length);
  auto target_reply =
      std::async(std::launch::async, [&] { return target.Call(ask, {}, timeout_ns); });
  const Result<Reply> source_reply = source.Call(ask, {}, timeout_ns);
  std::uint64_t source_chunk = 0, target_chunk = 0;
  auto from = Checksums(source_reply, "source", &source_chunk);
  auto to = Checksums(target_reply.get(), "target", &target_chunk);
  if (!from.ok()) return from.error();
  if (!to.ok()) return to.error();
  const std::uint64_t chunks =
      source_chunk == 0 ? 0
                        : (static_cast<std::uint64_t>(length) + source_chunk - 1) / source_chunk;
  if (source_chunk == 0 || source_chunk != target_chunk || from->size() != chunks ||
      to->size() != chunks) {
    return MakeError(ErrorCode::kUnavailable,
                     "CHECKSUM replies disagree on the chunking of " + std::to_string(length) +
                         " bytes at " + std::to_string(offset) + " (chunk " +
                         std::to_string(source_chunk) + " vs " + std::to_string(target_chunk) +
                         ", " + std::to_string(from->size()) + " vs " + std::to_string(to->size()) +
                         " sums)");
  }
  stats->compared_bytes += length;
  // Runs of differing chunks: all read at once from the source, then all written at once.
  std::vector<FrameHeader> runs;
  for (std::uint64_t i = 0; i < chunks;) {
    if ((*from)[i] == (*to)[i]) {
      ++i;
      continue;
    }
    std::uint64_t end = i + 1;
    while (end < chunks && (*from)[end] != (*to)[end]) ++end;
    runs.push_back(RequestHeader(
        FrameType::kRead, image, offset + i * source_chunk,
        static_cast<std::uint32_t>(std::min<std::uint64_t>(end * source_chunk, length) -
                                   i * source_chunk)));
    i = end;
  }
  if (runs.empty()) return Ok();
  std::vector<Result<Reply>> data = CallAll(source, runs, nullptr, timeout_ns);
  std::vector<std::vector<std::uint8_t>> payloads;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    if (!data[r].ok() || data[r]->status != 0 || data[r]->payload.size() != runs[r].length) {
      return MakeError(ErrorCode::kUnavailable,
                       "heal read of " + std::to_string(runs[r].length) + " bytes at " +
                           std::to_string(runs[r].offset) + " from the source failed: " +
                           (data[r].ok() ? "status " + std::to_string(data[r]->status)
                                         : data[r].error().message));
    }
    payloads.push_back(std::move(data[r]->payload));
    runs[r].type = static_cast<std::uint8_t>(FrameType::kWrite);
    runs[r].flags = kFlagHeal;
  }
  std::vector<Result<Reply>> wrote = CallAll(target, runs, &payloads, timeout_ns);
  for (std::size_t r = 0; r < runs.size(); ++r) {
    if (!wrote[r].ok() || wrote[r]->status != 0) {
      return MakeError(ErrorCode::kUnavailable,
                       "heal write of " + std::to_string(runs[r].length) + " bytes at " +
                           std::to_string(runs[r].offset) + " to the target failed: " +
                           (wrote[r].ok() ? "status " + std::to_string(wrote[r]->status)
                                          : wrote[r].error().message));
    }
    stats->copied_bytes += runs[r].length;
  }
  return Ok();
}

}  // namespace healbench::ref
