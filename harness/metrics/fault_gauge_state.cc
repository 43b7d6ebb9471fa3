// Fault gauge bookkeeping. See fault_gauge_state.h.
#include "harness/metrics/fault_gauge_state.h"

#include <algorithm>

#include "harness/faults/injector.h"

namespace healbench {

std::vector<std::pair<std::string, std::string>> InitialFaultSeries(
    const std::vector<FaultStep>& faults) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const FaultStep& f : faults) {
    if (!IsDisruptive(f.action)) continue;
    std::pair<std::string, std::string> series{f.action, f.node};
    if (std::find(out.begin(), out.end(), series) == out.end()) out.push_back(series);
  }
  if (out.empty()) out.emplace_back("", "");
  return out;
}

std::vector<FaultGaugeChange> FaultGaugeChangesFor(const std::string& kind,
                                                   const std::string& action,
                                                   const std::string& node, bool ok) {
  if (!ok || (kind != "fault" && kind != "undo")) return {};
  if (kind == "fault" && IsDisruptive(action)) return {{action, node, 1}};
  std::vector<FaultGaugeChange> out;
  for (const char* disruptive : {"disconnect", "partition", "freeze", "kill"}) {
    if (UndoAction(disruptive) == action) out.push_back({disruptive, node, 0});
  }
  return out;
}

}  // namespace healbench
