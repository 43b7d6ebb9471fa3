// LaunchedWorldSize: reads the rank count that MPI launchers put in each process's environment.
#include <cstdlib>
#include <string>

#include "harness/fleet/fleet_transport.h"

namespace healbench {

int LaunchedWorldSize() {
  // Open MPI's mpirun, PMIx launchers (Open MPI 5, Slurm), MPICH's Hydra.
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"}) {
    const char* v = std::getenv(var);
    if (v == nullptr || *v == '\0') continue;
    char* end = nullptr;
    const long n = std::strtol(v, &end, 10);
    if (end != nullptr && *end == '\0' && n > 0 && n < 1000000) return static_cast<int>(n);
  }
  return 1;
}

}  // namespace healbench
