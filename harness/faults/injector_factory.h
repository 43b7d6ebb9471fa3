// Makes the injector a [nodes.NAME] section asks for, checking before the run that it can
// work here (nft present and permitted, proxy ports free, …).
#pragma once

#include <memory>

#include "harness/core/result.h"
#include "harness/faults/injector.h"
#include "harness/scenario/scenario.h"

namespace healbench {

Result<std::unique_ptr<Injector>> MakeInjector(const NodeSpec& node);

}  // namespace healbench
