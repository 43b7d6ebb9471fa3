#!/usr/bin/env bash
# Long and large runs stay bounded: (a) 64 sparse images of 1 TiB with write verification on,
# for a short time; (b) a long run at 100 ms intervals. For each: the process's RSS
# (VmRSS from /proc/PID/status, sampled every SAMPLE_S seconds) at start and end, and the
# size of results.json and report.html, with the growth per interval / per image.
#
#   tests/bench/long_run_bounds.sh [HEALBENCH_BINARY] [large|long|both]   (default: both)
#
# Environment: LARGE_S (30: seconds of the large run), LARGE_RATE (4000 IOPS in all),
# LARGE_DIR (/var/tmp: where the 64 sparse images go; O_DIRECT, so not a tmpfs),
# LONG_S (3600: seconds of the long run), LONG_BACKEND (null | ref), LONG_RATE (2000 IOPS),
# SAMPLE_S (10). Not part of ctest.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/../.." && pwd)
HEALBENCH=${1:-${HEALBENCH:-$repo/build/release/healbench}}
WHICH=${2:-both}
LARGE_S=${LARGE_S:-30}
LARGE_RATE=${LARGE_RATE:-4000}
LARGE_DIR=${LARGE_DIR:-/var/tmp}
LONG_S=${LONG_S:-3600}
LONG_BACKEND=${LONG_BACKEND:-null}
LONG_RATE=${LONG_RATE:-2000}
SAMPLE_S=${SAMPLE_S:-10}

die() { echo "long_run_bounds: $*" >&2; exit 2; }
[[ -x $HEALBENCH ]] || die "healbench binary not found: $HEALBENCH (build it, or pass its path)"
case $WHICH in large | long | both) ;; *) die "second argument: large, long or both (got $WHICH)" ;; esac
command -v python3 >/dev/null || die "python3 not found"

work=$(mktemp -d "$LARGE_DIR/healbench-bounds.XXXXXX")
trap 'rm -rf "$work"' EXIT

# sampled_run NAME ARGS...: runs healbench, samples its VmRSS every SAMPLE_S s into
# $work/NAME.rss ("seconds kib" lines); fails when healbench fails.
sampled_run() {
  local name=$1 pid t0 rss rc
  shift
  "$HEALBENCH" run "$@" --out "$work/$name" -q >"$work/$name.log" 2>&1 &
  pid=$!
  t0=$(date +%s.%N)
  : >"$work/$name.rss"
  sleep 2  # past setup: threads, buffers and the first intervals exist
  while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [[ -n $rss ]] && echo "$(python3 -c "print(round($(date +%s.%N) - $t0, 1))") $rss" >>"$work/$name.rss"
    sleep "$SAMPLE_S"
  done
  set +e
  wait "$pid"
  rc=$?
  set -e
  [[ $rc == 0 ]] || { cat "$work/$name.log" >&2; die "healbench run $name: exit $rc"; }
}

# report NAME UNIT COUNT: RSS first/last/max, file sizes, and growth per UNIT (COUNT of them).
report() {
  python3 - "$work/$1" "$2" "$3" <<'PY'
import json, os, sys
base, unit, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = [tuple(map(float, l.split())) for l in open(base + ".rss") if l.strip()]
r = json.load(open(base + "/results.json"))
size = {f: os.path.getsize(f"{base}/{f}") for f in ("results.json", "report.html", "timeseries.csv", "events.jsonl")}
first, last = rows[0], rows[-1]
peak = max(k for _, k in rows)
print(f"  duration {r['duration_s']:.1f} s, {len(r['timeseries'])} intervals, "
      f"{sum(t['ios'] for t in r['totals'].values())} I/Os, {len(rows)} RSS samples")
print(f"  RSS: {first[1]/1024:.1f} MiB at {first[0]:.0f} s, {last[1]/1024:.1f} MiB at {last[0]:.0f} s, "
      f"peak {peak/1024:.1f} MiB (max_rss from getrusage: {r['resources']['max_rss_kib']/1024:.1f} MiB)")
span = max(last[0] - first[0], 1e-9)
print(f"  RSS growth: {(last[1]-first[1])/1024:.2f} MiB over {span:.0f} s")
for f, b in size.items():
    print(f"  {f}: {b/1024:.1f} KiB ({b/count:.0f} bytes per {unit})")
integ = r.get("integrity", {})
if integ.get("checked_blocks"):
    print(f"  verification: {integ['checked_blocks']} blocks checked, lost {integ['lost_writes']}, "
          f"torn {integ['torn_blocks']}, misdirected {integ['misdirected']}")
PY
}

if [[ $WHICH != long ]]; then
  echo "== (a) 64 sparse images of 1 TiB, verify on, ${LARGE_S} s at ${LARGE_RATE} IOPS (in $work)"
  mkdir -p "$work/images"
  sampled_run large --set backend.kind=file --set backend.path="$work/images" \
    --set images.count=64 --set images.size=1TiB --set workload.profile=randrw \
    --set workload.bs=4k --set workload.verify=true --set workload.rate_iops="$LARGE_RATE" \
    --set run.duration="${LARGE_S}s" --set run.threads=2
  report large image 64
  echo "  space used by the 64 sparse images: $(du -sh "$work/images" | cut -f1) (apparent $(du -sh --apparent-size "$work/images" | cut -f1))"
  echo "  verify journal under OUT/verify: $(du -sh "$work/large/verify" 2>/dev/null | cut -f1)"
  rm -rf "$work/images"
fi

if [[ $WHICH != large ]]; then
  echo "== (b) ${LONG_S} s at 100 ms intervals, backend ${LONG_BACKEND}, ${LONG_RATE} IOPS"
  extra=()
  [[ $LONG_BACKEND == ref ]] && extra=(--set images.size=256MiB --set backend.replication=client)
  sampled_run long --set backend.kind="$LONG_BACKEND" --set run.interval=100ms \
    --set run.duration="${LONG_S}s" --set workload.rate_iops="$LONG_RATE" "${extra[@]}"
  report long interval "$((LONG_S * 10))"
fi
