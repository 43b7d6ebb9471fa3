// Read-back and replica comparison. See final_verify.h.
#include "harness/run/final_verify.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "harness/core/units.h"
#include "workloads/block_stamp.h"

namespace healbench {
namespace {

struct Job {
  std::uint32_t image = 0;
  BlockExtent extent;
};

std::vector<Job> Jobs(const std::vector<ImageVerifier*>& verifiers, std::uint32_t read_bytes) {
  std::vector<Job> jobs;
  for (std::uint32_t i = 0; i < verifiers.size(); ++i) {
    if (verifiers[i] == nullptr) continue;
    for (const BlockExtent& e : verifiers[i]->TouchedExtents(read_bytes, 256 << 10))
      jobs.push_back({i, e});
  }
  return jobs;
}

std::uint64_t TouchedIn(const ImageVerifier& v, const BlockExtent& e) {
  std::uint64_t n = 0;
  for (std::uint64_t b = e.offset / kVerifyBlockBytes;
       b < (e.offset + e.length) / kVerifyBlockBytes; ++b)
    n += v.Touched(b) ? 1 : 0;
  return n;
}

// Every touched block through the backend, `depth` reads in flight.
void ReadBack(Backend* backend, const std::vector<ImageVerifier*>& verifiers,
              const std::vector<Job>& jobs, const FinalVerifyOptions& o, FinalVerifyResult* r) {
  std::vector<std::uint32_t> images;
  for (std::uint32_t i = 0; i < verifiers.size(); ++i) images.push_back(i);
  auto queue = backend->NewQueue(images, o.depth);
  if (!queue.ok()) {
    r->notes.push_back("read-back not possible: " + queue.error().message);
    for (const Job& j : jobs) r->unverified_blocks += TouchedIn(*verifiers[j.image], j.extent);
    return;
  }
  const std::uint32_t align = std::max<std::uint32_t>(backend->Caps().alignment, 4096);
  std::vector<void*> buffers(o.depth, nullptr);
  for (void*& b : buffers) {
    if (posix_memalign(&b, align, o.read_bytes) != 0) b = nullptr;
  }
  std::vector<std::size_t> slot_job(o.depth, SIZE_MAX);
  std::size_t next = 0, inflight = 0;
  std::uint64_t read_errors = 0;
  bool stuck = false;
  std::vector<IoCompletion> done(o.depth);
  while (next < jobs.size() || inflight > 0) {
    std::vector<IoRequest> batch;
    for (std::uint32_t s = 0; s < o.depth && next < jobs.size(); ++s) {
      if (slot_job[s] != SIZE_MAX || buffers[s] == nullptr) continue;
      const Job& j = jobs[next];
      slot_job[s] = next++;
      batch.push_back(
          {s, j.image, OpKind::kRead, j.extent.offset, j.extent.length, buffers[s], -1});
      ++inflight;
    }
    auto n = (*queue)->SubmitAndReap(batch, done, 1, o.io_timeout_ns);
    if (!n.ok()) {
      r->notes.push_back("read-back failed: " + n.error().message);
      stuck = true;
      break;
    }
    if (*n == 0) {
      r->notes.push_back("read-back: no read completed within " + FormatDuration(o.io_timeout_ns) +
                         "; gave up");
      stuck = true;
      break;
    }
    for (std::size_t k = 0; k < *n; ++k) {
      const auto s = static_cast<std::uint32_t>(done[k].tag);
      const Job& j = jobs[slot_job[s]];
      slot_job[s] = SIZE_MAX;
      --inflight;
      const std::uint64_t blocks = j.extent.length / kVerifyBlockBytes;
      if (done[k].result != static_cast<std::int64_t>(j.extent.length)) {
        ++read_errors;
        r->unverified_blocks += TouchedIn(*verifiers[j.image], j.extent);
        continue;
      }
      verifiers[j.image]->CheckRead(j.extent.offset,
                                    {static_cast<const std::uint8_t*>(buffers[s]), j.extent.length},
                                    &r->counts);
      for (std::uint64_t b = 0; b < blocks; ++b)
        r->blocks_read_back += verifiers[j.image]->Touched(j.extent.offset / kVerifyBlockBytes + b);
    }
  }
  if (stuck) {
    for (std::size_t k = next; k < jobs.size(); ++k)
      r->unverified_blocks += TouchedIn(*verifiers[jobs[k].image], jobs[k].extent);
    for (std::uint32_t s = 0; s < o.depth; ++s) {
      if (slot_job[s] != SIZE_MAX) {
        const Job& j = jobs[slot_job[s]];
        r->unverified_blocks += TouchedIn(*verifiers[j.image], j.extent);
      }
    }
    (*queue)->CancelAll();
    // A read still out may write into its buffer later: leave those buffers alone.
    for (std::uint32_t s = 0; s < o.depth; ++s) {
      if (slot_job[s] == SIZE_MAX) free(buffers[s]);
    }
    (void)queue->release();  // its I/O may still complete into it; owned by nobody now
  } else {
    for (void* b : buffers) free(b);
  }
  if (read_errors > 0) {
    r->notes.push_back(std::to_string(read_errors) + " read-back read(s) failed");
  }
}

bool BackendInSync(Backend* backend, std::string* state) {
  auto st = backend->SyncState();
  if (!st) return true;  // nothing says otherwise
  *state = st->state + (st->detail.empty() ? "" : " (" + st->detail + ")");
  return st->state == "in_sync";
}

bool WaitInSync(Backend* backend, const FinalVerifyOptions& o, std::string* last) {
  const Nanos deadline = MonotonicNs() + o.settle_timeout_ns;
  while (true) {
    if (o.in_sync ? o.in_sync(last) : BackendInSync(backend, last)) return true;
    if (MonotonicNs() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

void CompareReplicas(Backend* backend, const std::vector<ImageVerifier*>& verifiers,
                     const std::vector<Job>& jobs, const FinalVerifyOptions& o,
                     std::vector<std::unique_ptr<ReplicaReader>> given, FinalVerifyResult* r) {
  auto readers = given.empty()
                     ? backend->OpenReplicaReaders()
                     : Result<std::vector<std::unique_ptr<ReplicaReader>>>(std::move(given));
  if (!readers.ok()) {
    r->notes.push_back("replicas not compared: " + readers.error().message);
    return;
  }
  if (readers->size() < 2) return;
  std::string state;
  if (!WaitInSync(backend, o, &state)) {
    r->notes.push_back("replicas not compared: not in sync " + FormatDuration(o.settle_timeout_ns) +
                       " after the run (" + state + ")");
    return;
  }
  const std::size_t n = readers->size();
  for (const auto& rd : *readers) r->replicas.push_back({rd->Node(), 0, 0});
  std::vector<std::vector<std::uint8_t>> data(n);
  std::vector<bool> ok(n, true);
  for (const Job& j : jobs) {
    for (std::size_t k = 0; k < n; ++k) {
      data[k].resize(j.extent.length);
      if (!ok[k]) continue;
      auto rc = (*readers)[k]->Read(j.image, j.extent.offset, data[k], o.io_timeout_ns);
      if (!rc.ok()) {
        ok[k] = false;
        r->notes.push_back("replica " + (*readers)[k]->Node() +
                           " not fully compared: " + rc.error().message);
      }
    }
    for (std::uint32_t at = 0; at < j.extent.length; at += kVerifyBlockBytes) {
      const std::uint64_t block = (j.extent.offset + at) / kVerifyBlockBytes;
      const bool touched = verifiers[j.image]->Touched(block);
      const std::uint8_t* first = nullptr;
      bool differ = false;
      for (std::size_t k = 0; k < n; ++k) {
        if (!ok[k]) continue;
        const std::uint8_t* b = data[k].data() + at;
        const BlockVerdict v = verifiers[j.image]->Classify(
            block, DecodeBlock({b, static_cast<std::size_t>(kVerifyBlockBytes)}));
        if (touched) ++r->replicas[k].checked_blocks;
        if (v != BlockVerdict::kOk && v != BlockVerdict::kUnchecked) ++r->replicas[k].bad_blocks;
        if (!touched) continue;  // only blocks this run wrote are compared
        if (first == nullptr) {
          first = b;
        } else if (std::memcmp(first, b, kVerifyBlockBytes) != 0) {
          differ = true;
        }
      }
      if (differ) ++r->counts.diverged_blocks;
    }
  }
}

}  // namespace

FinalVerifyResult FinalVerify(Backend* backend, const std::vector<ImageVerifier*>& verifiers,
                              const FinalVerifyOptions& options,
                              std::vector<std::unique_ptr<ReplicaReader>> replicas) {
  const Nanos begin = MonotonicNs();
  FinalVerifyResult r;
  const std::vector<Job> jobs = Jobs(verifiers, options.read_bytes);
  ReadBack(backend, verifiers, jobs, options, &r);
  CompareReplicas(backend, verifiers, jobs, options, std::move(replicas), &r);
  r.duration_ns = MonotonicNs() - begin;
  return r;
}

void FillIntegrity(const IntegrityCounts& during_run, const FinalVerifyResult& f,
                   report::RunResult* result) {
  IntegrityCounts c = during_run;
  c.Add(f.counts);
  report::Integrity& in = result->integrity;
  in.checked_blocks = c.checked_blocks;
  in.lost_writes = c.lost_writes;
  in.stale_reads = c.stale_reads;
  in.torn_blocks = c.torn_blocks;
  in.misdirected = c.misdirected;
  in.diverged_blocks = c.diverged_blocks;
  in.block_bytes = kVerifyBlockBytes;
  in.blocks_read_back = f.blocks_read_back;
  in.unverified_blocks = f.unverified_blocks;
  in.replicas = f.replicas;
  in.note.clear();
  for (const std::string& n : f.notes) in.note += (in.note.empty() ? "" : "; ") + n;
}

}  // namespace healbench
