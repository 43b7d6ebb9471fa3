#!/usr/bin/env bash
# Heal cost grows with the dirty data, not the image size: the reference cluster (client
# replication, heal_algorithm = "dirty") heals the same dirty amount on a 1 GiB and on a
# 100 GiB sparse image. node2 is disconnected while a rate-limited sequential writer dirties
# exactly the same regions of both images, then reconnected; the heal's duration (the
# client's own "healed: N bytes in T s") and the time to in sync (reconnect -> first probe
# sample in sync) are printed for both, with their ratio (about 1 = independent of size).
#
#   tests/bench/ref_heal_cost.sh [HEALBENCH_BINARY]     # default build/release/healbench
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/../.." && pwd)
HEALBENCH=${1:-${HEALBENCH:-$repo/build/release/healbench}}
SIZES=${SIZES:-"1GiB 100GiB"}
DIRTY_S=${DIRTY_S:-4}        # seconds node2 is away while the writer runs
RATE_IOPS=${RATE_IOPS:-64}   # 128 KiB sequential writes per second: 8 MiB/s dirtied
KEEP=${KEEP:-0}

die() { echo "ref_heal_cost: $*" >&2; exit 2; }
[[ -x $HEALBENCH ]] || die "healbench binary not found or not executable: $HEALBENCH"
command -v python3 >/dev/null || die "python3 not found"

work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/healbench-bench-heal.XXXXXX")
cleanup() { [[ $KEEP == 1 ]] && echo "kept: $work" || rm -rf "$work"; }
trap cleanup EXIT

cat >"$work/heal.toml" <<TOML
[run]
name = "heal-cost"
duration = "$((DIRTY_S + 12))s"
interval = "250ms"
seed = 1
[backend]
kind = "ref"
replication = "client"
replicas = 2
heal_algorithm = "dirty"
heal_lock = "range"
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

printf '%-8s %14s %12s %16s\n' size healed_bytes heal_s time_to_in_sync_s
declare -A heal tis
for size in $SIZES; do
  echo "+ healbench run $work/heal.toml --set images.size=$size" >&2
  "$HEALBENCH" run "$work/heal.toml" --set "images.size=$size" --out "$work/$size" -q \
    >"$work/$size.out" 2>"$work/$size.err" || { tail -5 "$work/$size.err" >&2; die "run $size failed"; }
  line=$(grep -m1 '^ref: node2 healed: ' "$work/$size.err") || die "$size: no heal line in $work/$size.err"
  bytes=$(sed -E 's/.*healed: ([0-9]+) bytes in ([0-9.]+) s.*/\1/' <<<"$line")
  heal[$size]=$(sed -E 's/.*healed: ([0-9]+) bytes in ([0-9.]+) s.*/\2/' <<<"$line")
  tis[$size]=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["derived"]["time_to_in_sync_s"])' "$work/$size/results.json")
  printf '%-8s %14s %12s %16.3f\n' "$size" "$bytes" "${heal[$size]}" "${tis[$size]}"
done
set -- $SIZES
python3 - "${heal[$1]}" "${heal[$2]}" "${tis[$1]}" "${tis[$2]}" "$1" "$2" <<'PY'
import sys
h1, h2, t1, t2 = map(float, sys.argv[1:5])
print(f"heal duration ratio {sys.argv[6]}/{sys.argv[5]}: {h2 / h1:.2f}; "
      f"time-to-in-sync ratio: {t2 / t1:.2f} (image size ratio: 100)")
PY
