// Per-block write tracking and read classification. See verify_tracker.h.
#include "workloads/verify_tracker.h"

#include <algorithm>

namespace healbench {

void IntegrityCounts::Add(const IntegrityCounts& o) {
  checked_blocks += o.checked_blocks;
  lost_writes += o.lost_writes;
  stale_reads += o.stale_reads;
  torn_blocks += o.torn_blocks;
  misdirected += o.misdirected;
  diverged_blocks += o.diverged_blocks;
}

const char* VerdictName(BlockVerdict v) {
  switch (v) {
    case BlockVerdict::kUnchecked:
      return "unchecked";
    case BlockVerdict::kOk:
      return "ok";
    case BlockVerdict::kLost:
      return "lost";
    case BlockVerdict::kStale:
      return "stale";
    case BlockVerdict::kTorn:
      return "torn";
    case BlockVerdict::kMisdirected:
      return "misdirected";
  }
  return "?";
}

ImageVerifier::ImageVerifier(std::uint32_t image, std::uint64_t run_id)
    : image_(image), run_id_(run_id) {}
ImageVerifier::ImageVerifier(ImageVerifier&&) noexcept = default;
ImageVerifier& ImageVerifier::operator=(ImageVerifier&&) noexcept = default;
ImageVerifier::~ImageVerifier() = default;

ImageVerifier::Entry* ImageVerifier::Find(std::uint64_t block) const {
  auto it = chunks_.find(block / kChunkBlocks);
  if (it == chunks_.end()) return nullptr;
  return &it->second[block % kChunkBlocks];
}

ImageVerifier::Entry& ImageVerifier::Get(std::uint64_t block) {
  Chunk& c = chunks_[block / kChunkBlocks];
  if (!c) c = std::make_unique<Entry[]>(kChunkBlocks);
  return c[block % kChunkBlocks];
}

void ImageVerifier::OnWriteDone(std::uint64_t offset, std::uint32_t length, std::uint32_t gen,
                                bool acked) {
  generation_ = std::max(generation_, gen);  // journal replay hands generations in
  const std::uint64_t first = offset / kVerifyBlockBytes;
  const std::uint64_t end = (offset + length) / kVerifyBlockBytes;
  for (std::uint64_t b = first; b < end; ++b) {
    Entry& e = Get(b);
    if (acked) {
      if (gen >= e.acked) {
        e.acked = gen;
        e.ack_faults = static_cast<std::uint32_t>(fault_boundaries_.size());
        if (e.uncertain <= gen) e.uncertain = 0;
      }
    } else {
      e.uncertain = std::max(e.uncertain, gen);
    }
  }
}

std::uint32_t ImageVerifier::OnFault() {
  AddFaultBoundary(generation_ + 1);
  return generation_ + 1;
}

void ImageVerifier::AddFaultBoundary(std::uint32_t first_generation_after) {
  fault_boundaries_.push_back(first_generation_after);
  fault_ends_.push_back(0);
}

std::uint32_t ImageVerifier::OnFaultEnd() {
  AddFaultEnd(generation_ + 1);
  return generation_ + 1;
}

void ImageVerifier::AddFaultEnd(std::uint32_t first_generation_after) {
  for (std::uint32_t& end : fault_ends_) {
    if (end == 0) end = first_generation_after;
  }
}

BlockVerdict ImageVerifier::Judge(const Entry* e, std::uint64_t block,
                                  const DecodedBlock& d) const {
  const std::uint64_t offset = block * kVerifyBlockBytes;
  const bool ours = d.content == BlockContent::kStamped && d.stamp.run_id == run_id_;
  if (e == nullptr || (e->acked == 0 && e->uncertain == 0)) {
    // Never written here by this run: only another block's write landing here is wrong.
    if (ours && (d.stamp.image != image_ || d.stamp.offset != offset))
      return BlockVerdict::kMisdirected;
    return BlockVerdict::kUnchecked;
  }
  std::uint32_t g = 0;  // the generation found; 0: none of this run's writes
  switch (d.content) {
    case BlockContent::kZero:
      break;
    case BlockContent::kForeign:
      // Garbage where a write was acknowledged; before any acknowledged write it may be
      // what the image held before the run.
      if (e->acked == 0) return BlockVerdict::kOk;
      return BlockVerdict::kTorn;
    case BlockContent::kTorn:
      return e->uncertain != 0 ? BlockVerdict::kOk : BlockVerdict::kTorn;
    case BlockContent::kStamped:
      if (ours) {
        if (d.stamp.image != image_ || d.stamp.offset != offset) return BlockVerdict::kMisdirected;
        g = d.stamp.generation;
      }
      break;
  }
  if (g == e->acked) return BlockVerdict::kOk;
  if (g > e->acked) {
    // Only writes whose outcome is unknown came after the acknowledged one here.
    return g <= e->uncertain || journal_may_lag_ ? BlockVerdict::kOk : BlockVerdict::kMisdirected;
  }
  // Older than acknowledged. Before any acknowledged write here nothing is owed.
  if (e->acked == 0) return BlockVerdict::kOk;
  // Stale when a fault began before the acknowledged write was acknowledged and the version
  // found was issued before that fault ended.
  if (e->ack_faults > 0) {
    const std::uint32_t end = fault_ends_[e->ack_faults - 1];
    if (end == 0 || g < end) return BlockVerdict::kStale;
  }
  return BlockVerdict::kLost;
}

BlockVerdict ImageVerifier::Classify(std::uint64_t block, const DecodedBlock& d) const {
  return Judge(Find(block), block, d);
}

void ImageVerifier::CheckRead(std::uint64_t offset, std::span<const std::uint8_t> data,
                              IntegrityCounts* c) {
  for (std::size_t at = 0; at + kVerifyBlockBytes <= data.size(); at += kVerifyBlockBytes) {
    const std::uint64_t block = (offset + at) / kVerifyBlockBytes;
    Entry* e = Find(block);
    const BlockVerdict v = Judge(e, block, DecodeBlock(data.subspan(at, kVerifyBlockBytes)));
    if (v == BlockVerdict::kUnchecked) continue;
    ++c->checked_blocks;
    switch (v) {
      case BlockVerdict::kLost:
        if (e->lost_counted != e->acked) {
          e->lost_counted = e->acked;
          ++c->lost_writes;
        }
        break;
      case BlockVerdict::kStale:
        ++c->stale_reads;
        break;
      case BlockVerdict::kTorn:
        ++c->torn_blocks;
        break;
      case BlockVerdict::kMisdirected:
        ++c->misdirected;
        break;
      default:
        break;
    }
  }
}

bool ImageVerifier::Touched(std::uint64_t block) const {
  const Entry* e = Find(block);
  return e != nullptr && (e->acked != 0 || e->uncertain != 0);
}

std::uint64_t ImageVerifier::TouchedBlocks() const {
  std::uint64_t n = 0;
  for (const auto& [index, chunk] : chunks_) {
    for (std::uint32_t i = 0; i < kChunkBlocks; ++i)
      n += (chunk[i].acked != 0 || chunk[i].uncertain != 0) ? 1 : 0;
  }
  return n;
}

std::vector<BlockExtent> ImageVerifier::TouchedExtents(std::uint32_t max_bytes,
                                                       std::uint32_t max_gap_bytes) const {
  std::vector<std::uint64_t> keys;
  keys.reserve(chunks_.size());
  for (const auto& [index, chunk] : chunks_) keys.push_back(index);
  std::sort(keys.begin(), keys.end());
  std::vector<BlockExtent> out;
  const std::uint32_t max_blocks = std::max<std::uint32_t>(1, max_bytes / kVerifyBlockBytes);
  for (std::uint64_t k : keys) {
    const Entry* chunk = chunks_.at(k).get();
    for (std::uint32_t i = 0; i < kChunkBlocks; ++i) {
      if (chunk[i].acked == 0 && chunk[i].uncertain == 0) continue;
      const std::uint64_t offset = (k * kChunkBlocks + i) * kVerifyBlockBytes;
      const std::uint64_t end = out.empty() ? 0 : out.back().offset + out.back().length;
      if (!out.empty() && offset >= end && offset - end <= max_gap_bytes &&
          (offset + kVerifyBlockBytes - out.back().offset) / kVerifyBlockBytes <= max_blocks) {
        out.back().length =
            static_cast<std::uint32_t>(offset + kVerifyBlockBytes - out.back().offset);
      } else {
        out.push_back({offset, kVerifyBlockBytes});
      }
    }
  }
  return out;
}

}  // namespace healbench
