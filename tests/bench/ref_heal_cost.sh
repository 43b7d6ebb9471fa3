#!/usr/bin/env bash
# Heal cost of client replication (GlusterFS-like): ref_repair_cost.sh in client mode.
#   tests/bench/ref_heal_cost.sh [HEALBENCH_BINARY]     # default build/release/healbench
exec "$(dirname "${BASH_SOURCE[0]}")/ref_repair_cost.sh" client "$@"
