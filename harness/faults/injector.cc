// Action pairing shared by the timeline and the injectors.
#include "harness/faults/injector.h"

namespace healbench {

std::string UndoAction(const std::string& action) {
  if (action == "disconnect") return "reconnect";
  if (action == "partition") return "heal_partition";
  if (action == "freeze") return "thaw";
  if (action == "kill") return "restart";
  return "";
}

bool IsDisruptive(const std::string& action) { return !UndoAction(action).empty(); }

}  // namespace healbench
