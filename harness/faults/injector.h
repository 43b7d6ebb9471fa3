// An injector carries out fault actions on one node: a command per action, a signal to a
// process, the built-in TCP fault proxy, or netfilter rules. The timeline calls Do(); at
// the end of a run (or on Ctrl-C) it calls Do() with the undoing action of every fault
// still in force, so nothing is left frozen, cut or blocked.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "harness/core/clock.h"
#include "harness/core/result.h"

namespace healbench {

struct ActionOutcome {
  bool ok = false;
  std::string detail;  // what was done and what it printed (truncated)
  // Failed, but may have taken effect all the same (its command timed out or was cut
  // short): a disruptive action like that is undone at the end of the run too.
  bool uncertain = false;
};

class Injector {
 public:
  virtual ~Injector() = default;
  virtual std::string Kind() const = 0;
  // Empty when the action is possible, else why not (checked before the run starts).
  virtual std::string CannotDo(const std::string& action) const = 0;
  virtual ActionOutcome Do(const std::string& action, Nanos timeout_ns) = 0;
  // While *cancel is true, commands Do() runs are cut short (the run is ending and must not
  // wait for a hung command's whole timeout). Null: never.
  void SetCancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }

 protected:
  const std::atomic<bool>* cancel_ = nullptr;
};

// The action that undoes `action`, or empty when it is not a fault that stays in force.
std::string UndoAction(const std::string& action);
// Whether an action starts a fault (disconnect, partition, freeze, kill).
bool IsDisruptive(const std::string& action);

}  // namespace healbench
