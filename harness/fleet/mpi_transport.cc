// The fleet over MPI (built with HEALBENCH_MPI): MPI_Init at the first use, nonblocking sends
// and probes on a communicator of our own that returns errors instead of aborting, and a
// start barrier (MPI_Ibarrier) polled against a deadline. Only the thread that joined calls it.
#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <list>
#include <mutex>
#include <thread>

#include "harness/fleet/fleet_transport.h"

namespace healbench {
namespace {

constexpr int kTag = 7411;  // every healbench message; one tag keeps them in order per pair

class MpiTransport final : public FleetTransport {
 public:
  MpiTransport(MPI_Comm comm, int rank, int size) : comm_(comm), rank_(rank), size_(size) {}
  ~MpiTransport() override = default;

  int rank() const override { return rank_; }
  int size() const override { return size_; }

  void Send(int dest, std::vector<std::uint8_t> bytes) override {
    Reap();
    pending_.push_back({std::move(bytes), MPI_REQUEST_NULL});
    Outgoing& o = pending_.back();
    if (MPI_Isend(o.bytes.data(), static_cast<int>(o.bytes.size()), MPI_BYTE, dest, kTag, comm_,
                  &o.request) != MPI_SUCCESS) {
      pending_.pop_back();  // a dead peer: the receiver's bounded waits report it
    }
  }

  std::optional<FleetMessage> Poll() override {
    Reap();
    int flag = 0;
    MPI_Message msg;
    MPI_Status status;
    if (MPI_Improbe(MPI_ANY_SOURCE, kTag, comm_, &flag, &msg, &status) != MPI_SUCCESS || !flag)
      return std::nullopt;
    int count = 0;
    MPI_Get_count(&status, MPI_BYTE, &count);
    FleetMessage m;
    m.source = status.MPI_SOURCE;
    m.bytes.resize(static_cast<std::size_t>(count));
    if (MPI_Mrecv(m.bytes.data(), count, MPI_BYTE, &msg, MPI_STATUS_IGNORE) != MPI_SUCCESS)
      return std::nullopt;
    return m;
  }

  Result<void> Barrier(Nanos timeout_ns) override {
    MPI_Request req;
    if (MPI_Ibarrier(comm_, &req) != MPI_SUCCESS)
      return MakeError(ErrorCode::kUnavailable, "fleet: the start barrier failed (MPI_Ibarrier)");
    const Nanos deadline = MonotonicNs() + timeout_ns;
    while (true) {
      int done = 0;
      if (MPI_Test(&req, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS)
        return MakeError(ErrorCode::kUnavailable, "fleet: the start barrier failed (a rank died)");
      if (done) return Ok();
      if (MonotonicNs() >= deadline) {
        return MakeError(ErrorCode::kTimeout,
                         "fleet: not every rank reached the start within " +
                             std::to_string(timeout_ns / kNsPerSec) +
                             " s (run.fleet_timeout): a rank is hung or died during setup");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  bool FlushSends(Nanos timeout_ns) override {
    const Nanos deadline = MonotonicNs() + timeout_ns;
    while (true) {
      Reap();
      if (pending_.empty()) return true;
      if (MonotonicNs() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  void Leave(bool clean, int exit_code) override {
    if (clean && FlushSends(5 * kNsPerSec)) {
      MPI_Comm_free(&comm_);
      MPI_Finalize();
      return;
    }
    // Some rank is gone or hung: a finalize would wait for it forever.
    fflush(stdout);
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, exit_code);
  }

 private:
  struct Outgoing {
    std::vector<std::uint8_t> bytes;
    MPI_Request request;
  };
  void Reap() {
    for (auto it = pending_.begin(); it != pending_.end();) {
      int done = 0;
      if (MPI_Test(&it->request, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS || done)
        it = pending_.erase(it);
      else
        ++it;
    }
  }

  MPI_Comm comm_;
  int rank_;
  int size_;
  std::list<Outgoing> pending_;  // buffers stay put until their send completes
};

}  // namespace

std::string FleetMpiLibrary() {
  char version[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int len = 0;
  MPI_Get_library_version(version, &len);  // allowed before MPI_Init
  std::string v(version, static_cast<std::size_t>(std::max(len, 0)));
  v = v.substr(0, v.find_first_of(",\n"));
  return v.empty() ? "MPI" : v;
}

Result<std::unique_ptr<FleetTransport>> JoinFleetIfLaunched(Nanos timeout_ns) {
  if (LaunchedWorldSize() <= 1) return std::unique_ptr<FleetTransport>();
  // MPI_Init waits for every rank and cannot be bounded from the inside: a watchdog ends this
  // rank (and so, through mpirun, the job) when it does not return in time.
  std::mutex mu;
  std::condition_variable cv;
  bool joined = false;
  std::thread watchdog([&] {
    std::unique_lock<std::mutex> lock(mu);
    if (cv.wait_for(lock, std::chrono::nanoseconds(timeout_ns), [&] { return joined; })) return;
    fprintf(stderr,
            "healbench run: fleet: MPI_Init did not return within %lld s (run.fleet_timeout): "
            "a rank is hung or died at start\n",
            static_cast<long long>(timeout_ns / kNsPerSec));
    fflush(stderr);
    _exit(3);
  });
  int provided = 0;
  const int rc = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  {
    std::lock_guard<std::mutex> lock(mu);
    joined = true;
  }
  cv.notify_one();
  watchdog.join();
  if (rc != MPI_SUCCESS) return MakeError(ErrorCode::kUnavailable, "fleet: MPI_Init_thread failed");
  MPI_Comm comm;
  MPI_Comm_dup(MPI_COMM_WORLD, &comm);
  MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  if (size <= 1) {  // one rank: a plain run
    MPI_Comm_free(&comm);
    MPI_Finalize();
    return std::unique_ptr<FleetTransport>();
  }
  return std::unique_ptr<FleetTransport>(std::make_unique<MpiTransport>(comm, rank, size));
}

}  // namespace healbench
