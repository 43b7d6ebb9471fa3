// What healbench knows about every block it wrote with workload.verify on, per image: the
// generation of the last acknowledged write, and the newest write whose outcome is unknown
// (it failed, timed out or never completed, so the block may hold it or what came before).
// Memory grows with the blocks touched, not the image size: blocks are kept in 64 KiB chunks
// allocated on first write, so a 1 TiB sparse image costs nothing until written.
//
// Classification of a block read back (during the run or at the end):
//   lost        an older version (or zeros) than the last acknowledged write, with no fault
//               between them: the write was acknowledged and then lost
//   stale       an older version issued before a fault ended while the acknowledged one
//               was acknowledged after that fault began: a replica that missed writes
//               during the fault served the read (writes issued while a fault is in force
//               may reach the faulty replica late, or never)
//   torn        header and payload disagree (checksum), or garbage where a write was
//   misdirected the block holds a write meant for another offset or image, or a generation
//               this run never wrote there
// A write still uncertain may legitimately show either version: no alarm for those. The
// workload never has two overlapping I/Os in flight on one image when verifying, so reads
// never race writes to the same block.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "workloads/block_stamp.h"

namespace healbench {

struct IntegrityCounts {
  std::uint64_t checked_blocks = 0;   // block checks, during the run and at the end
  std::uint64_t lost_writes = 0;      // blocks whose acknowledged write was found gone (once each)
  std::uint64_t stale_reads = 0;      // block reads that returned a pre-fault version
  std::uint64_t torn_blocks = 0;      // block reads with header and payload disagreeing
  std::uint64_t misdirected = 0;      // block reads holding another block's write
  std::uint64_t diverged_blocks = 0;  // blocks whose replicas differ (replica comparison)
  void Add(const IntegrityCounts& o);
  std::uint64_t Problems() const {
    return lost_writes + stale_reads + torn_blocks + misdirected + diverged_blocks;
  }
};

enum class BlockVerdict : std::uint8_t { kUnchecked, kOk, kLost, kStale, kTorn, kMisdirected };
const char* VerdictName(BlockVerdict v);

// A stretch of touched blocks, for reading back.
struct BlockExtent {
  std::uint64_t offset = 0;  // bytes
  std::uint32_t length = 0;  // bytes
};

class ImageVerifier {
 public:
  ImageVerifier(std::uint32_t image, std::uint64_t run_id);
  ImageVerifier(ImageVerifier&&) noexcept;
  ImageVerifier& operator=(ImageVerifier&&) noexcept;
  ~ImageVerifier();

  std::uint32_t image() const { return image_; }
  std::uint64_t run_id() const { return run_id_; }
  // The generation for the next write (1, 2, …); the caller stamps it into the data.
  std::uint32_t NextGeneration() { return ++generation_; }
  // A write of [offset, offset + length) with generation gen finished: acknowledged (it must
  // be there from now on) or not (failed, timed out, abandoned: it may or may not be).
  void OnWriteDone(std::uint64_t offset, std::uint32_t length, std::uint32_t gen, bool acked);
  // A fault began: writes issued from now on are after it. Returns the first generation
  // after it (what the journal records).
  std::uint32_t OnFault();
  // The same, replayed from a journal, in the order the faults came.
  void AddFaultBoundary(std::uint32_t first_generation_after);
  // The faults in force were undone: writes issued from now on are after them. Returns the
  // first generation after (what the journal records).
  std::uint32_t OnFaultEnd();
  void AddFaultEnd(std::uint32_t first_generation_after);
  // Checks data read from [offset, offset + data.size()) block by block into counts.
  void CheckRead(std::uint64_t offset, std::span<const std::uint8_t> data, IntegrityCounts* c);
  // The verdict for one block's content, without counting (for replica comparison).
  BlockVerdict Classify(std::uint64_t block, const DecodedBlock& d) const;
  // Every touched block, coalesced into extents of at most max_bytes, in offset order.
  // Gaps of up to max_gap_bytes between touched blocks are bridged (read along, fewer
  // round trips; untouched blocks are only checked for misdirected writes).
  std::vector<BlockExtent> TouchedExtents(std::uint32_t max_bytes,
                                          std::uint32_t max_gap_bytes = 0) const;
  std::uint64_t TouchedBlocks() const;
  bool Touched(std::uint64_t block) const;
  // Rebuilt from a journal whose tail may be missing (a crash): a newer generation of this
  // run at the right place is a write whose outcome was not journaled, not an error.
  void SetJournalMayLag(bool lag) { journal_may_lag_ = lag; }

 private:
  struct Entry {
    std::uint32_t acked = 0;         // generation of the last acknowledged write; 0: none
    std::uint32_t uncertain = 0;     // newest unacknowledged write since then; 0: none
    std::uint32_t lost_counted = 0;  // the acked generation already counted as lost
    std::uint32_t ack_faults = 0;    // faults begun before the acked write was acknowledged
  };
  static constexpr std::uint32_t kChunkBlocks = 16;  // 64 KiB of 4 KiB blocks
  using Chunk = std::unique_ptr<Entry[]>;

  Entry* Find(std::uint64_t block) const;
  Entry& Get(std::uint64_t block);
  BlockVerdict Judge(const Entry* e, std::uint64_t block, const DecodedBlock& d) const;

  std::uint32_t image_;
  std::uint64_t run_id_;
  std::uint32_t generation_ = 0;
  bool journal_may_lag_ = false;
  std::vector<std::uint32_t> fault_boundaries_;  // first generation after each fault, in order
  std::vector<std::uint32_t> fault_ends_;        // first generation after its undo; 0: in force
  std::unordered_map<std::uint64_t, Chunk> chunks_;
};

}  // namespace healbench
