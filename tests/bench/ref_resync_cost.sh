#!/usr/bin/env bash
# Resync cost of server replication (DRBD-like): ref_repair_cost.sh in server mode.
#   tests/bench/ref_resync_cost.sh [HEALBENCH_BINARY]   # default build/release/healbench
exec "$(dirname "${BASH_SOURCE[0]}")/ref_repair_cost.sh" server "$@"
