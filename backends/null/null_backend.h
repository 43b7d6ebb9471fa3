// The null backend: every I/O completes at once without touching storage. It measures the
// harness itself (the ceiling of what healbench can drive) and serves tests of the runner.
#pragma once

#include <memory>

#include "backends/backend.h"

namespace healbench {

std::unique_ptr<Backend> MakeNullBackend();

}  // namespace healbench
