#!/usr/bin/env bash
# Does a metrics endpoint under load slow the I/O path? Null-backend IOPS with and without
# --metrics-listen (scraped every second while the run goes), interleaved REPS times.
#
#   tests/bench/metrics_overhead.sh [HEALBENCH_BINARY]
#
# Prints each pair and the median ratio IOPS(with metrics)/IOPS(without); ~1.0 means no cost.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/../.." && pwd)
HEALBENCH=${1:-${HEALBENCH:-$repo/build/release/healbench}}
REPS=${REPS:-5}
DURATION=${DURATION:-8}  # seconds per run
HB_EXTRA=${HB_EXTRA:-}   # extra healbench arguments, e.g. "--set run.threads=1"

die() { echo "metrics_overhead: $*" >&2; exit 2; }
[[ -x $HEALBENCH ]] || die "healbench binary not found: $HEALBENCH (build it, or pass its path)"
command -v python3 >/dev/null || die "python3 not found"

work=$(mktemp -d /var/tmp/healbench-metrics-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# run_once NAME [extra args]: prints total IOPS of the run (all ops, from results.json).
run_once() {
  local name=$1; shift
  # shellcheck disable=SC2086
  "$HEALBENCH" run --set backend.kind=null --set workload.profile=randread \
    --set run.duration="${DURATION}s" --set run.name="$name" $HB_EXTRA --out "$work/$name" -q "$@" \
    >"$work/$name.log" 2>&1 || { cat "$work/$name.log" >&2; die "healbench run $name failed"; }
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]));
print(sum(t["ios"] for t in r["totals"].values()) / r["duration_s"])' "$work/$name/results.json"
}

# scrape_loop: GETs /metrics every second until the run's port closes (counts scrapes).
scrape_loop() {
  python3 - "$port" "$work/scrapes" <<'PY'
import sys, time, urllib.request
port, out = sys.argv[1], sys.argv[2]
n, seen, t_end = 0, False, time.time() + 120
while time.time() < t_end:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read()
        n, seen = n + 1, True
    except OSError:
        if seen: break
    time.sleep(1 if seen else 0.05)
open(out, "w").write(str(n))
PY
}

ratios=()
for ((i = 1; i <= REPS; i++)); do
  if ((i % 2)); then
    off=$(run_once "off-$i")
    scrape_loop & sp=$!
    on=$(run_once "on-$i" --metrics-listen "$port")
    wait "$sp"
  else
    scrape_loop & sp=$!
    on=$(run_once "on-$i" --metrics-listen "$port")
    wait "$sp"
    off=$(run_once "off-$i")
  fi
  ratio=$(python3 -c "print(f'{$on / $off:.3f}')")
  ratios+=("$ratio")
  printf 'pair %d: without %.0f IOPS, with metrics %.0f IOPS (%s scrapes), ratio %s\n' \
    "$i" "$off" "$on" "$(cat "$work/scrapes")" "$ratio"
done
python3 -c "import statistics,sys; r=[float(x) for x in sys.argv[1:]];
print(f'median IOPS ratio with/without --metrics-listen: {statistics.median(r):.3f} (range {min(r):.3f}-{max(r):.3f}, {len(r)} pairs)')" "${ratios[@]}"
