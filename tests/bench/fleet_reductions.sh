#!/usr/bin/env bash
# The cost of a fleet's reductions (issue: MPI fleet runs), measured on the null backend so
# that healbench itself is all there is to measure:
#   one    a plain run, one process;
#   solo4  4 plain runs started together (no MPI): what 4 processes get from this machine;
#   fleet4 mpirun -np 4 (each rank sends rank 0 its intervals every 20 ms tick, rank 0 merges
#          them live and the results at the end).
# fleet4/solo4 per rank is the price of the reductions; fleet4/one shows the machine's own
# limit (4 processes share its cores). Median over REPS interleaved rounds.
#
#   tests/bench/fleet_reductions.sh [HEALBENCH_BINARY]     (REPS=3 DURATION=10 RANKS=4)
set -euo pipefail
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/../.." && pwd)
HB=${1:-${HEALBENCH:-$repo/build/release/healbench}}
REPS=${REPS:-3}
DURATION=${DURATION:-10}
RANKS=${RANKS:-4}
die() { echo "fleet_reductions: $*" >&2; exit 2; }
[[ -x $HB ]] || die "healbench binary not found: $HB"
command -v mpirun >/dev/null || die "mpirun not found (apt-get install openmpi-bin)"
"$HB" backends | grep -q "^fleet runs .*: available" || die "$HB was built without MPI (HEALBENCH_MPI)"
work=$(mktemp -d /var/tmp/healbench-fleet-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
sets=(--set backend.kind=null --set images.count=1 --set images.size=1GiB --set run.threads=1
      --set workload.profile=randread --set run.duration="${DURATION}s" -q)

iops() {  # iops RESULTS.JSON: I/Os per second of the whole run
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(t["ios"] for t in r["totals"].values()) / r["duration_s"])' "$1"
}

: >"$work/rows"
for rep in $(seq "$REPS"); do
  "$HB" run "${sets[@]}" --out "$work/one-$rep" >/dev/null
  one=$(iops "$work/one-$rep/results.json")
  pids=()
  for i in $(seq "$RANKS"); do
    "$HB" run "${sets[@]}" --out "$work/solo-$rep-$i" >/dev/null & pids+=($!)
  done
  wait "${pids[@]}"
  solo=0
  for i in $(seq "$RANKS"); do solo=$(python3 -c "print($solo + $(iops "$work/solo-$rep-$i/results.json"))"); done
  mpirun --allow-run-as-root --oversubscribe -np "$RANKS" "$HB" run "${sets[@]}" --out "$work/fleet-$rep" >/dev/null
  fleet=$(iops "$work/fleet-$rep/results.json")
  echo "$one $solo $fleet" >>"$work/rows"
  echo "round $rep: one $one, solo$RANKS total $solo, fleet$RANKS total $fleet IOPS"
done
python3 - "$work/rows" "$RANKS" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
n = int(sys.argv[2])
one = statistics.median(r[0] for r in rows)
solo = statistics.median(r[1] for r in rows) / n
fleet = statistics.median(r[2] for r in rows) / n
print(f"per rank: one process {one:.0f} IOPS, {n} plain processes {solo:.0f}, {n}-rank fleet {fleet:.0f}")
print(f"fleet/plain processes (cost of the reductions): {fleet / solo:.3f}")
print(f"fleet per rank / one process (the machine's limit included): {fleet / one:.3f}")
PY
