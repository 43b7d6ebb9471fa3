// The run's final figures as Prometheus metrics — totals, derived values, SLO checks —
// for a Pushgateway (--pushgateway, job "healbench", grouped by run) and for
// node_exporter's textfile collector (--textfile, written atomically).
#pragma once

#include <memory>
#include <string>

#include "harness/core/result.h"
#include "harness/scenario/scenario.h"
#include "reports/result_model.h"

namespace prometheus {
class Registry;
}

namespace healbench {

std::shared_ptr<prometheus::Registry> FinalFiguresRegistry(const report::RunResult& result,
                                                           const Scenario& scenario);
// The registry in the text exposition format.
std::string FinalFiguresText(const prometheus::Registry& registry);

// Pushes (PUT: replaces the run's group) within timeout_ns; names the URL on failure.
Result<void> PushFinalFigures(const std::string& url, const std::string& run,
                              std::shared_ptr<prometheus::Registry> registry, Nanos timeout_ns);

// Both, as asked (empty = not asked). Prints what failed; returns 3 on a failure, else 0.
int PublishFinalFigures(const report::RunResult& result, const Scenario& scenario,
                        const std::string& pushgateway_url, const std::string& textfile_path);

}  // namespace healbench
