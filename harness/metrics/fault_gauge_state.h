// Which faults are in force, as the healbench_fault_active{action,node} gauge shows them:
// a successful disruptive fault (disconnect, partition, freeze, kill) sets its series to 1,
// its successful undo (reconnect, heal_partition, thaw, restart) sets it back to 0.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness/scenario/scenario.h"

namespace healbench {

struct FaultGaugeChange {
  std::string action;  // the disruptive action naming the series, e.g. "freeze"
  std::string node;
  double value = 0;  // 1 in force, 0 not
  bool operator==(const FaultGaugeChange&) const = default;
};

// The series to show from the first scrape: one per disruptive action and node in the
// timeline, each 0. A run without such faults gets one series with empty action and node,
// so the family still has a sample.
std::vector<std::pair<std::string, std::string>> InitialFaultSeries(
    const std::vector<FaultStep>& faults);

// The change an event makes to the gauge, if any. Failed actions change nothing: a fault
// that did not happen is not in force, and one whose undo failed still is.
std::vector<FaultGaugeChange> FaultGaugeChangesFor(const std::string& kind,
                                                   const std::string& action,
                                                   const std::string& node, bool ok);

}  // namespace healbench
