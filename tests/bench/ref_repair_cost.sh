#!/usr/bin/env bash
# Repair cost grows with the dirty data, not the image size, in both reference-cluster designs:
#   client  client replication (GlusterFS-like), heal_algorithm = "dirty": the client's heal
#           ("ref: node2 healed: N bytes in T s" on stderr);
#   server  server replication (DRBD-like): the primary's resync of the secondary
#           ("in sync (N bytes resynced in T s)" in node1's log).
# node2 is disconnected while a rate-limited sequential writer dirties exactly the same regions
# of a 1 GiB and a 100 GiB sparse image, then reconnected; the repair's duration and the time
# to in sync (reconnect -> first probe sample in sync) are printed for both, with their ratio
# (about 1 = independent of size).
#
#   tests/bench/ref_repair_cost.sh client|server [HEALBENCH_BINARY]  # default build/release/healbench
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/../.." && pwd)
MODE=${1:-}
HEALBENCH=${2:-${HEALBENCH:-$repo/build/release/healbench}}
SIZES=${SIZES:-"1GiB 100GiB"}
DIRTY_S=${DIRTY_S:-4}       # seconds node2 is away while the writer runs
RATE_IOPS=${RATE_IOPS:-64}  # 128 KiB sequential writes per second: 8 MiB/s dirtied
KEEP=${KEEP:-0}

die() { echo "ref_repair_cost: $*" >&2; exit 2; }
case $MODE in
  client) what=heal; backend_keys=$'heal_algorithm = "dirty"\nheal_lock = "range"' ;;
  server) what=resync; backend_keys='ping_timeout = "2s"' ;;
  *) die "first argument: client or server (the replication design), not \"$MODE\"" ;;
esac
[[ -x $HEALBENCH ]] || die "healbench binary not found or not executable: $HEALBENCH"
command -v python3 >/dev/null || die "python3 not found"

work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/healbench-bench-$what.XXXXXX")
cleanup() { [[ $KEEP == 1 ]] && echo "kept: $work" || rm -rf "$work"; }
trap cleanup EXIT

cat >"$work/$what.toml" <<TOML
[run]
name = "$what-cost"
duration = "$((DIRTY_S + 12))s"
interval = "250ms"
seed = 1
[backend]
kind = "ref"
replication = "$MODE"
replicas = 2
$backend_keys
[workload]
profile = "seq-write"
rate_iops = $RATE_IOPS
[probe]
kind = "ref"
interval = "100ms"
[[fault]]
at = "2s"
action = "disconnect"
node = "node2"
[[fault]]
after = "${DIRTY_S}s"
action = "reconnect"
node = "node2"
[[fault]]
wait_until = "in_sync"
timeout = "9s"
TOML

# repair_line SIZE: the line that reports the repair of this run.
repair_line() {
  if [[ $MODE == client ]]; then
    grep -m1 '^ref: node2 healed: ' "$work/$1.err"
  else
    grep -E 'in sync \([1-9][0-9]* bytes resynced' "$work/$1/nodes/node1.log" | tail -1
  fi
}
[[ $MODE == server ]] && numbers='s/.*in sync \(([0-9]+) bytes resynced in ([0-9.]+) s\).*/\1 \2/'
[[ $MODE == client ]] && numbers='s/.*healed: ([0-9]+) bytes in ([0-9.]+) s.*/\1 \2/'

printf '%-8s %14s %12s %16s\n' size "${what}ed_bytes" "${what}_s" time_to_in_sync_s
declare -A took tis
for size in $SIZES; do
  echo "+ healbench run $work/$what.toml --set images.size=$size" >&2
  "$HEALBENCH" run "$work/$what.toml" --set "images.size=$size" --out "$work/$size" -q \
    >"$work/$size.out" 2>"$work/$size.err" || { tail -5 "$work/$size.err" >&2; die "run $size failed"; }
  line=$(repair_line "$size") || die "$size: no $what line (see $work/$size.err and $work/$size/nodes/)"
  read -r bytes took[$size] <<<"$(sed -E "$numbers" <<<"$line")"
  tis[$size]=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["derived"]["time_to_in_sync_s"])' "$work/$size/results.json")
  printf '%-8s %14s %12s %16.3f\n' "$size" "$bytes" "${took[$size]}" "${tis[$size]}"
done
set -- $SIZES
python3 - "${took[$1]}" "${took[$2]}" "${tis[$1]}" "${tis[$2]}" "$1" "$2" "$what" <<'PY'
import sys
h1, h2, t1, t2 = map(float, sys.argv[1:5])
print(f"{sys.argv[7]} duration ratio {sys.argv[6]}/{sys.argv[5]}: {h2 / h1:.2f}; "
      f"time-to-in-sync ratio: {t2 / t1:.2f} (image size ratio: 100)")
PY
