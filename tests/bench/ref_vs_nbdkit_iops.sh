#!/usr/bin/env bash
# 4k random-write IOPS through the reference cluster's 2-way client replication over
# loopback, beside nbdkit's memory plugin written through libnbd (healbench's nbd backend),
# in the same run, interleaved REPS times. Prints each pair and the median ratio ref/nbdkit.
#
#   tests/bench/ref_vs_nbdkit_iops.sh [HEALBENCH_BINARY]     # default build/release/healbench
#
# Both sides use the same healbench worker, workload and seed; only the backend differs, so
# the ratio is the cost of replication (two node processes, a fault proxy before each, one
# more hop) against a single in-memory NBD server. See tests/bench/README.md.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/../.." && pwd)
HEALBENCH=${1:-${HEALBENCH:-$repo/build/release/healbench}}
REPS=${REPS:-3}
DURATION=${DURATION:-10}    # seconds per run
IODEPTH=${IODEPTH:-32}
SIZE=${SIZE:-1GiB}          # image size on both sides
KEEP=${KEEP:-0}             # 1: keep the results directories

die() { echo "ref_vs_nbdkit_iops: $*" >&2; exit 2; }
[[ -x $HEALBENCH ]] || die "healbench binary not found or not executable: $HEALBENCH"
command -v nbdkit >/dev/null || die "nbdkit not found; apt-get install nbdkit"
command -v python3 >/dev/null || die "python3 not found"
[[ $REPS =~ ^[1-9][0-9]*$ ]] || die "REPS must be a positive integer (got '$REPS')"
"$HEALBENCH" backends 2>/dev/null | grep -Eq '^nbd +available' ||
  die "this healbench has no nbd backend (built without libnbd?)"

work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/healbench-bench-ref.XXXXXX")
nbd_pid=""
cleanup() {
  if [[ -n $nbd_pid ]]; then kill "$nbd_pid" 2>/dev/null || true; wait "$nbd_pid" 2>/dev/null || true; fi
  [[ $KEEP == 1 ]] && echo "kept: $work" || rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# nbdkit spells sizes 1G where healbench says 1GiB.
nbdkit -f -p "$port" -i 127.0.0.1 memory "${SIZE%iB}" </dev/null >"$work/nbdkit.log" 2>&1 &
nbd_pid=$!
for _ in $(seq 50); do [[ -n $(ss -Hltn "sport = :$port") ]] && break; sleep 0.1; done
[[ -n $(ss -Hltn "sport = :$port") ]] || die "nbdkit did not listen on $port: $(cat "$work/nbdkit.log")"

COMMON=(--set workload.profile=randwrite --set workload.bs=4k --set "workload.iodepth=$IODEPTH"
        --set "images.size=$SIZE" --set "run.duration=${DURATION}s" --set run.seed=1 -q)
run() {  # run NAME ARGS...: prints write IOPS of the run
  local name=$1; shift
  echo "+ healbench run $* ${COMMON[*]}" >&2
  "$HEALBENCH" run "$@" "${COMMON[@]}" --out "$work/$name" >"$work/$name.out" 2>"$work/$name.err" ||
    { tail -5 "$work/$name.err" >&2; die "run $name failed"; }
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); w=r["totals"]["write"]
assert w["errors"] == 0, "write errors"
print(w["ios"] / r["duration_s"])' "$work/$name/results.json"
}

ratios=()
printf '%-4s %14s %14s %8s\n' rep ref_iops nbdkit_iops ratio
for rep in $(seq "$REPS"); do
  # Interleave (ref first on odd reps, nbdkit first on even ones) to cancel drift.
  if (( rep % 2 )); then
    ref=$(run "ref-$rep" --set backend.kind=ref --set backend.replication=client --set backend.replicas=2)
    nbd=$(run "nbd-$rep" --set backend.kind=nbd --set "backend.url=nbd://127.0.0.1:$port")
  else
    nbd=$(run "nbd-$rep" --set backend.kind=nbd --set "backend.url=nbd://127.0.0.1:$port")
    ref=$(run "ref-$rep" --set backend.kind=ref --set backend.replication=client --set backend.replicas=2)
  fi
  ratio=$(python3 -c "print(f'{$ref / $nbd:.3f}')")
  ratios+=("$ratio")
  printf '%-4s %14.0f %14.0f %8s\n' "$rep" "$ref" "$nbd" "$ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
echo "median IOPS ratio ref(2-way client replication)/nbdkit(memory): $median (range $(printf '%s\n' "${ratios[@]}" | sort -g | head -1)..$(printf '%s\n' "${ratios[@]}" | sort -g | tail -1))"
