// JoinFleetIfLaunched for builds without MPI: a plain run works; a launch by mpirun with more
// than one rank is refused, because each rank would otherwise run the whole scenario alone.
#include "harness/fleet/fleet_transport.h"

namespace healbench {

std::string FleetMpiLibrary() { return ""; }

Result<std::unique_ptr<FleetTransport>> JoinFleetIfLaunched(Nanos /*timeout_ns*/) {
  const int size = LaunchedWorldSize();
  if (size <= 1) return std::unique_ptr<FleetTransport>();
  return MakeError(ErrorCode::kNotSupported,
                   "started by mpirun with " + std::to_string(size) +
                       " ranks, but this healbench was built without MPI: install "
                       "libopenmpi-dev and configure with -DHEALBENCH_MPI=ON");
}

}  // namespace healbench
