#!/usr/bin/env bash
# Resync cost grows with the dirty data, not the image size — server replication (DRBD-like)
# beside ref_heal_cost.sh's client heal: node2 (the secondary) is disconnected while a
# rate-limited sequential writer dirties exactly the same regions of a 1 GiB and a 100 GiB
# sparse image, then reconnected; the primary's resync ("in sync (N bytes resynced in T s)" in
# node1's log) and the time to in sync are printed for both, with their ratio (about 1 =
# independent of size).
#
#   tests/bench/ref_resync_cost.sh [HEALBENCH_BINARY]     # default build/release/healbench
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/../.." && pwd)
HEALBENCH=${1:-${HEALBENCH:-$repo/build/release/healbench}}
SIZES=${SIZES:-"1GiB 100GiB"}
DIRTY_S=${DIRTY_S:-4}       # seconds node2 is away while the writer runs
RATE_IOPS=${RATE_IOPS:-64}  # 128 KiB sequential writes per second: 8 MiB/s dirtied
KEEP=${KEEP:-0}

die() { echo "ref_resync_cost: $*" >&2; exit 2; }
[[ -x $HEALBENCH ]] || die "healbench binary not found or not executable: $HEALBENCH"
command -v python3 >/dev/null || die "python3 not found"

work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/healbench-bench-resync.XXXXXX")
cleanup() { [[ $KEEP == 1 ]] && echo "kept: $work" || rm -rf "$work"; }
trap cleanup EXIT

cat >"$work/resync.toml" <<TOML
[run]
name = "resync-cost"
duration = "$((DIRTY_S + 12))s"
interval = "250ms"
seed = 1
[backend]
kind = "ref"
replication = "server"
replicas = 2
ping_timeout = "2s"
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

printf '%-8s %14s %12s %16s\n' size resynced_bytes resync_s time_to_in_sync_s
declare -A resync tis
for size in $SIZES; do
  echo "+ healbench run $work/resync.toml --set images.size=$size" >&2
  "$HEALBENCH" run "$work/resync.toml" --set "images.size=$size" --out "$work/$size" -q \
    >"$work/$size.out" 2>"$work/$size.err" || { tail -5 "$work/$size.err" >&2; die "run $size failed"; }
  line=$(grep -E 'in sync \([1-9][0-9]* bytes resynced' "$work/$size/nodes/node1.log" | tail -1) ||
    die "$size: no resync line in $work/$size/nodes/node1.log"
  bytes=$(sed -E 's/.*in sync \(([0-9]+) bytes resynced in ([0-9.]+) s\).*/\1/' <<<"$line")
  resync[$size]=$(sed -E 's/.*in sync \(([0-9]+) bytes resynced in ([0-9.]+) s\).*/\2/' <<<"$line")
  tis[$size]=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["derived"]["time_to_in_sync_s"])' "$work/$size/results.json")
  printf '%-8s %14s %12s %16.3f\n' "$size" "$bytes" "${resync[$size]}" "${tis[$size]}"
done
set -- $SIZES
python3 - "${resync[$1]}" "${resync[$2]}" "${tis[$1]}" "${tis[$2]}" "$1" "$2" <<'PY'
import sys
r1, r2, t1, t2 = map(float, sys.argv[1:5])
print(f"resync duration ratio {sys.argv[6]}/{sys.argv[5]}: {r2 / max(r1, 1e-3):.2f}; "
      f"time-to-in-sync ratio: {t2 / t1:.2f} (image size ratio: 100)")
PY
