// How the ranks of a fleet run (`mpirun ... healbench run`) talk to each other: byte messages
// between rank 0 and the others, and a start barrier, every wait bounded so a dead or hung
// rank cannot hang the rest. Only the run's sampler thread (the main thread) calls it. The
// MPI implementation is built with HEALBENCH_MPI; without it, a launch under mpirun is refused.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/clock.h"
#include "harness/core/result.h"

namespace healbench {

struct FleetMessage {
  int source = 0;
  std::vector<std::uint8_t> bytes;
};

class FleetTransport {
 public:
  virtual ~FleetTransport() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Queues a message to `dest` without waiting; messages from one rank to another arrive in
  // the order sent.
  virtual void Send(int dest, std::vector<std::uint8_t> bytes) = 0;
  // The next message that has arrived, from any rank, or nullopt at once when none has.
  virtual std::optional<FleetMessage> Poll() = 0;
  // Waits until every rank reached the barrier, at most `timeout_ns`.
  virtual Result<void> Barrier(Nanos timeout_ns) = 0;
  // Waits up to `timeout_ns` for the queued sends to be delivered; false if some were not.
  virtual bool FlushSends(Nanos timeout_ns) = 0;
  // Leaves the fleet: a clean finalize when every rank is known to be there, otherwise an
  // abort of the whole job with `exit_code` (after the caller wrote what it has).
  virtual void Leave(bool clean, int exit_code) = 0;
};

// The world size the launcher announced in the environment (Open MPI, PMIx, MPICH/Hydra);
// 1 when healbench was not started by mpirun.
int LaunchedWorldSize();

// What this build offers for fleet runs, for `healbench backends`: the MPI library's name,
// or empty when healbench was built without MPI.
std::string FleetMpiLibrary();

// Joins the fleet when started by mpirun with more than one rank; nullptr for a plain run.
// An error when the launch needs MPI and this build has none (exit 2). MPI_Init not returning
// within timeout_ns (a rank hung or dead at start) ends the process with exit 3.
Result<std::unique_ptr<FleetTransport>> JoinFleetIfLaunched(Nanos timeout_ns);

}  // namespace healbench
