// Ctrl-C and SIGTERM: the first one asks the run to end early (results are still written
// for the time that ran); a second one restores the default action so an impatient user
// can always kill the process.
#pragma once

namespace healbench {

void InstallInterruptHandlers();
bool Interrupted();
void RestoreInterruptHandlers();

}  // namespace healbench
