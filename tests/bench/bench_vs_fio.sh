#!/usr/bin/env bash
# healbench vs fio, side by side, on the same workloads in one run.
#
#   tests/bench/bench_vs_fio.sh [HEALBENCH_BINARY]
#
# Prints, per workload, the median over REPS interleaved pairs (healbench, fio, healbench,
# fio, ...) of the ratios healbench/fio for IOPS and for CPU seconds per I/O, plus p50/p99
# latency of both. See tests/bench/README.md for the environment knobs and how to read it.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/../.." && pwd)

HEALBENCH=${1:-${HEALBENCH:-$repo/build/release/healbench}}
FIO=${FIO:-fio}
REPS=${REPS:-3}
DURATION=${DURATION:-10}           # seconds per run, each tool
WORKLOADS=${WORKLOADS:-"null randread randwrite"}
FILE_MIB=${FILE_MIB:-2048}         # size of the test file (2 GiB)
BS=${BS:-4k}
IODEPTH=${IODEPTH:-32}
FIO_EXTRA=${FIO_EXTRA:-}           # extra fio options, e.g. "--fixedbufs --registerfiles"
HB_EXTRA=${HB_EXTRA:-}             # extra healbench options, e.g. "--set run.threads=1"
KEEP=${KEEP:-0}                    # 1: keep the raw JSON/logs (the test file is always removed)

die() { echo "bench_vs_fio: $*" >&2; exit 2; }

[[ -x $HEALBENCH ]] || die "healbench binary not found or not executable: $HEALBENCH (build it, or pass its path)"
command -v "$FIO" >/dev/null || die "fio not found ($FIO); apt-get install fio"
command -v python3 >/dev/null || die "python3 not found"
[[ $REPS =~ ^[1-9][0-9]*$ ]] || die "REPS must be a positive integer (got '$REPS')"
[[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "DURATION must be whole seconds (got '$DURATION')"
for w in $WORKLOADS; do
  case $w in null|randread|randwrite) ;; *) die "unknown workload '$w' (null, randread, randwrite)";; esac
done

# Everything goes in one fresh directory under BENCH_DIR (default /var/tmp: a real
# filesystem, O_DIRECT works there, unlike tmpfs /tmp), removed on exit.
base=${BENCH_DIR:-/var/tmp}
mkdir -p "$base"
work=$(mktemp -d "$base/healbench-vs-fio.XXXXXX")
testfile=$work/testfile.img
cleanup() {
  rm -f "$testfile"
  if [[ $KEEP == 1 ]]; then
    echo "raw results kept in $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# measure OUT.json LOG -- CMD...: runs CMD with stdout+stderr to LOG and records wall time,
# exit status and the child's CPU (user, sys) from getrusage(RUSAGE_CHILDREN) deltas, the
# same way for both tools (fio runs with --thread, so all its work is in the one process).
cat >"$work/measure.py" <<'EOF'
import json, resource, subprocess, sys, time
out, log, cmd = sys.argv[1], sys.argv[2], sys.argv[4:]
before = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.monotonic()
with open(log, "wb") as f:
    rc = subprocess.call(cmd, stdout=f, stderr=subprocess.STDOUT)
wall = time.monotonic() - t0
after = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as f:
    json.dump({"rc": rc, "wall_s": wall,
               "user_s": after.ru_utime - before.ru_utime,
               "sys_s": after.ru_stime - before.ru_stime,
               "maxrss_kib": after.ru_maxrss}, f)
sys.exit(rc)
EOF

show() { printf '+'; printf ' %q' "$@"; printf '\n'; }

# run_measured TAG -- CMD...: prints the command, runs it measured, fails the script if it fails.
run_measured() {
  local tag=$1; shift 2
  show "$@"
  if ! python3 "$work/measure.py" "$work/$tag.rusage.json" "$work/$tag.log" -- "$@"; then
    echo "bench_vs_fio: FAILED ($tag), exit $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rc"])' "$work/$tag.rusage.json" 2>/dev/null || echo '?'); last output:" >&2
    tail -n 30 "$work/$tag.log" >&2 || true
    exit 1
  fi
}

echo "healbench: $HEALBENCH"
echo "fio:       $("$FIO" --version)"
echo "work dir:  $work   reps: $REPS   duration: ${DURATION}s   workloads: $WORKLOADS"
echo "host:      $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

# The test file, written in full once (fio fills its buffers with non-zero pseudo-random
# data) so that reads hit allocated blocks and nothing below can shortcut zeroes.
needs_file=0
for w in $WORKLOADS; do [[ $w == null ]] || needs_file=1; done
if [[ $needs_file == 1 ]]; then
  avail_kib=$(df -Pk "$work" | awk 'NR==2 {print $4}')
  (( avail_kib > FILE_MIB * 1024 + 262144 )) || die "not enough space in $work for a ${FILE_MIB} MiB file"
  echo "preparing ${FILE_MIB} MiB test file:"
  prep=(dd if=/dev/urandom of="$testfile" bs=1M count="$FILE_MIB" iflag=fullblock oflag=direct status=none)
  # /dev/urandom at a few hundred MiB/s is fine; fio would do too, but dd is plainer.
  show "${prep[@]}"
  "${prep[@]}" || die "creating $testfile failed"
  sync "$testfile" 2>/dev/null || sync
  alloc=$(( $(stat -c '%b * %B' "$testfile") ))
  (( alloc >= FILE_MIB * 1048576 )) || die "$testfile is not fully allocated ($alloc bytes)"
fi

# Command lines per workload and tool. Both: 4k, one job/thread, iodepth 32, uniform random
# offsets with repeats (fio --norandommap; healbench draws uniformly), time based.
fio_cmd() {  # WORKLOAD OUTFILE
  local w=$1 out=$2 common
  common=(--thread --numjobs=1 --bs="$BS" --iodepth="$IODEPTH" --time_based --runtime="$DURATION"
          --norandommap --randrepeat=0 --lat_percentiles=1 --percentile_list=50:99
          --output-format=json --output="$out")
  case $w in
    null)      FCMD=("$FIO" --name=null --ioengine=null --rw=randread --size="${FILE_MIB}M" "${common[@]}") ;;
    randread)  FCMD=("$FIO" --name=randread --ioengine=io_uring --direct=1 --filename="$testfile"
                     --size="${FILE_MIB}M" --rw=randread "${common[@]}") ;;
    randwrite) FCMD=("$FIO" --name=randwrite --ioengine=io_uring --direct=1 --filename="$testfile"
                     --size="${FILE_MIB}M" --rw=randwrite "${common[@]}") ;;
  esac
  # shellcheck disable=SC2206  # word splitting of the extra options is intended
  FCMD+=($FIO_EXTRA)
}

hb_cmd() {  # WORKLOAD OUTDIR SEED
  local w=$1 out=$2 seed=$3 common
  # --force: the test file is dd's, not healbench's own, and healbench refuses such a file.
  common=(--force --set images.count=1 --set images.size="${FILE_MIB}MiB" --set workload.bs="$BS"
          --set workload.iodepth="$IODEPTH" --set run.duration="${DURATION}s" --set run.seed="$seed"
          --out "$out" -q)
  case $w in
    null)      HCMD=("$HEALBENCH" run --set backend.kind=null --set workload.profile=randread "${common[@]}") ;;
    randread)  HCMD=("$HEALBENCH" run --set backend.kind=file --set backend.path="$testfile" --set backend.direct=true
                     --set workload.profile=randread "${common[@]}") ;;
    randwrite) HCMD=("$HEALBENCH" run --set backend.kind=file --set backend.path="$testfile" --set backend.direct=true
                     --set workload.profile=randwrite "${common[@]}") ;;
  esac
  # shellcheck disable=SC2206
  HCMD+=($HB_EXTRA)
}

for w in $WORKLOADS; do
  echo
  echo "== $w =="
  for ((i = 1; i <= REPS; i++)); do
    # Alternate which tool goes first so neither always runs on a warmer (or busier) machine.
    order=(hb fio)
    (( i % 2 == 0 )) && order=(fio hb)
    for t in "${order[@]}"; do
      if [[ $t == hb ]]; then
        hb_cmd "$w" "$work/$w.hb.$i" "$i"
        run_measured "$w.hb.$i" -- "${HCMD[@]}"
        [[ -f $work/$w.hb.$i/results.json ]] || { echo "bench_vs_fio: healbench wrote no results.json" >&2; exit 1; }
      else
        fio_cmd "$w" "$work/$w.fio.$i.json"
        run_measured "$w.fio.$i" -- "${FCMD[@]}"
      fi
    done
  done
done
if [[ -f $testfile ]]; then
  alloc=$(( $(stat -c '%b * %B' "$testfile") ))
  (( alloc >= FILE_MIB * 1048576 )) || echo "warning: test file lost allocation during the runs ($alloc bytes)" >&2
fi

echo
# shellcheck disable=SC2086  # one argument per workload
python3 - "$work" "$REPS" $WORKLOADS <<'EOF'
import json, statistics, sys
work, reps, workloads = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
bad = []

def rusage(tag):
    r = json.load(open(f"{work}/{tag}.rusage.json"))
    return r["user_s"] + r["sys_s"], r["maxrss_kib"]

def healbench(w, i):
    r = json.load(open(f"{work}/{w}.hb.{i}/results.json"))
    t = r["totals"]
    ios = t["read"]["ios"] + t["write"]["ios"] + t["flush"]["ios"]
    errs = t["read"]["errors"] + t["write"]["errors"] + t["flush"]["errors"]
    if errs:
        bad.append(f"healbench {w} rep {i}: {errs} I/O errors")
    op = "write" if w == "randwrite" else "read"
    lat = r["phases"][0][op]["latency_ns"]
    cpu, rss = rusage(f"{w}.hb.{i}")
    return dict(iops=ios / r["duration_s"], ios=ios, cpu=cpu, rss=rss, p50=lat["p50"], p99=lat["p99"])

def fio(w, i):
    r = json.load(open(f"{work}/{w}.fio.{i}.json"))
    j = r["jobs"][0]
    if j.get("error"):
        bad.append(f"fio {w} rep {i}: job error {j['error']}")
    op = "write" if w == "randwrite" else "read"
    ios = sum(j[o]["total_ios"] for o in ("read", "write", "trim"))
    iops = sum(j[o]["iops"] for o in ("read", "write", "trim"))
    # Total latency (submission to completion) as healbench measures it; clat if absent.
    d = j[op]["lat_ns"] if "percentile" in j[op].get("lat_ns", {}) else j[op]["clat_ns"]
    pct = d["percentile"]
    get = lambda q: next(v for k, v in pct.items() if abs(float(k) - q) < 1e-9)
    cpu, rss = rusage(f"{w}.fio.{i}")
    return dict(iops=iops, ios=ios, cpu=cpu, rss=rss, p50=get(50.0), p99=get(99.0))

def us(ns): return f"{ns / 1000:.1f}"
med = statistics.median

print("Per run (CPU = user+sys of the whole process from getrusage; ns/IO = CPU / I/Os):")
print(f"{'workload':<10} {'rep':>3} {'tool':<9} {'IOPS':>10} {'CPU s':>7} {'ns/IO':>8} {'p50 us':>8} {'p99 us':>8} {'maxRSS MiB':>10}")
rows = []
for w in workloads:
    ir, cr = [], []
    hbs, fios = [], []
    for i in range(1, reps + 1):
        h, f = healbench(w, i), fio(w, i)
        hbs.append(h); fios.append(f)
        for name, d in (("healbench", h), ("fio", f)):
            print(f"{w:<10} {i:>3} {name:<9} {d['iops']:>10.0f} {d['cpu']:>7.2f} {d['cpu'] / max(d['ios'], 1) * 1e9:>8.0f}"
                  f" {us(d['p50']):>8} {us(d['p99']):>8} {d['rss'] / 1024:>10.1f}")
        if h["ios"] == 0 or f["ios"] == 0:
            bad.append(f"{w} rep {i}: no I/O completed")
            continue
        ir.append(h["iops"] / f["iops"])
        cr.append((h["cpu"] / h["ios"]) / (f["cpu"] / f["ios"]) if f["cpu"] > 0 else float("nan"))
    rows.append((w, ir, cr, hbs, fios))

print()
print(f"Median over {reps} interleaved pairs (ratio = healbench / fio; IOPS >1 is better, CPU/IO <1 is better):")
print(f"{'workload':<10} {'IOPS ratio':>10} {'CPU/IO ratio':>12}   {'IOPS hb':>9} {'IOPS fio':>9}   "
      f"{'p50 us hb/fio':>15} {'p99 us hb/fio':>15}   {'ratio range (IOPS; CPU/IO)':>28}")
for w, ir, cr, hbs, fios in rows:
    if not ir:
        continue
    m = lambda L, k: med(d[k] for d in L)
    print(f"{w:<10} {med(ir):>10.2f} {med(cr):>12.2f}   {m(hbs, 'iops'):>9.0f} {m(fios, 'iops'):>9.0f}   "
          f"{us(m(hbs, 'p50')) + ' / ' + us(m(fios, 'p50')):>15} {us(m(hbs, 'p99')) + ' / ' + us(m(fios, 'p99')):>15}   "
          f"{f'{min(ir):.2f}-{max(ir):.2f}; {min(cr):.2f}-{max(cr):.2f}':>28}")
if bad:
    print("\nPROBLEMS:\n  " + "\n  ".join(bad))
    sys.exit(1)
EOF
