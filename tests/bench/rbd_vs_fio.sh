#!/usr/bin/env bash
# healbench's rbd backend beside fio's rbd engine on the same RBD image of a local Ceph lab
# (tests/ceph/ceph-lab.sh), in one run: 4k random read and write, iodepth 32, one job / one
# worker, librbd's cache off for both (healbench: backend.direct = true; fio: rbd_cache=false
# in the lab's [client] section for this run). Runs interleaved REPS times.
#
#   tests/bench/rbd_vs_fio.sh [HEALBENCH_BINARY]    (root: the lab's daemons)
#
# Uses the lab in HB_CEPH_DIR (/var/tmp/healbench-ceph) when it is up, else brings one up in
# its own directory and takes it down at the end. Prints per workload the median over the
# pairs of healbench IOPS / fio IOPS (> 1: healbench drove more I/O), with the range.
# Compare ratios, not absolute IOPS: a 3-OSD cluster on sparse files on a shared machine.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/../.." && pwd)
HEALBENCH=${1:-${HEALBENCH:-$repo/build/release/healbench}}
REPS=${REPS:-3}
DURATION=${DURATION:-10} # seconds per run, each tool
IODEPTH=32
SIZE_MIB=256
IMAGE=bench-0 # healbench's image name: images.prefix "bench", index 0
LAB="$repo/tests/ceph/ceph-lab.sh"

die() { echo "rbd_vs_fio: $*" >&2; exit 2; }
[[ -x $HEALBENCH ]] || die "healbench binary not found: $HEALBENCH (build it, or pass its path)"
command -v fio >/dev/null || die "fio not found (scripts/install-deps.sh)"
fio --enghelp 2>/dev/null | grep -qw rbd || die "this fio has no rbd engine (fio --enghelp)"
"$HEALBENCH" backends | grep -q '^rbd  *available' || die "healbench built without the rbd backend"

work=$(mktemp -d /var/tmp/healbench-rbd-bench.XXXXXX)
own_lab=""
if ! HB_CEPH_CLI_TIMEOUT=10 "$LAB" wait-clean 5 >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || die "no lab up in ${HB_CEPH_DIR:-/var/tmp/healbench-ceph} and bringing one up needs root"
  export HB_CEPH_DIR=$work/lab HB_CEPH_MON_PORT=3320 HB_CEPH_MON_PORT_V1=6809
  own_lab=1
  "$LAB" up >"$work/lab.log" 2>&1 || { cat "$work/lab.log"; die "ceph-lab.sh up failed"; }
fi
CONF=$("$LAB" conf)
cleanup() {
  [ -n "$own_lab" ] && "$LAB" down >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# fio's rbd engine reads ceph.conf through librados' search: CEPH_CONF; cache off as healbench.
sed 's/^\[client\]$/[client]\nrbd_cache = false/' "$CONF" >"$work/ceph.conf"
export CEPH_CONF=$work/ceph.conf

# healbench_iops PROFILE: IOPS of one healbench run (one worker, 4k, iodepth 32).
healbench_iops() {
  local out="$work/hb.$RANDOM"
  "$HEALBENCH" run --set backend.kind=rbd --set "backend.conf=$CONF" --set backend.pool=rbd \
    --set images.prefix=bench --set images.size=${SIZE_MIB}MiB --set workload.profile="$1" \
    --set workload.bs=4k --set workload.iodepth=$IODEPTH --set run.threads=1 \
    --set run.duration=${DURATION}s --out "$out" -q >/dev/null 2>"$out.err" ||
    { cat "$out.err" >&2; die "healbench run failed"; }
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); t=r["totals"]; print((t["read"]["ios"]+t["write"]["ios"])/r["duration_s"])' "$out/results.json"
}
# fio_iops RW [ARGS...]: IOPS of one fio run on the same image.
fio_iops() {
  local rw=$1; shift
  fio --name=ref --ioengine=rbd --clientname=admin --pool=rbd --rbdname=$IMAGE --rw="$rw" \
    --bs=4k --iodepth=$IODEPTH --size=${SIZE_MIB}M --numjobs=1 --thread --time_based \
    --runtime=$DURATION --norandommap --output-format=json "$@" >"$work/fio.json" 2>"$work/fio.err" ||
    { cat "$work/fio.err" >&2; die "fio failed"; }
  python3 -c 'import json,sys; t=open(sys.argv[1]).read(); j=json.loads(t[t.index("{"):])["jobs"][0]; print(j["read"]["iops"]+j["write"]["iops"])' "$work/fio.json"
}

# The image: created by healbench's first run (thin), then written in full once by fio so
# random reads hit real objects, not holes.
healbench_iops randwrite >/dev/null
fio --name=fill --ioengine=rbd --clientname=admin --pool=rbd --rbdname=$IMAGE --rw=write --bs=1M \
  --iodepth=8 --size=${SIZE_MIB}M --output-format=terse >/dev/null 2>"$work/fill.err" ||
  { cat "$work/fill.err" >&2; die "fio fill failed"; }

echo "$("$HEALBENCH" --version 2>/dev/null | head -1), $(fio --version), rbd image rbd/$IMAGE ${SIZE_MIB} MiB, 4k, iodepth $IODEPTH, 1 worker, ${DURATION}s x $REPS pairs, rbd cache off"
printf '%-10s %12s %12s %8s %s\n' workload healbench fio ratio range
for rw in randread randwrite; do
  hbs=() refs=() ratios=()
  for i in $(seq "$REPS"); do
    if ((i % 2)); then h=$(healbench_iops $rw); r=$(fio_iops $rw)
    else r=$(fio_iops $rw); h=$(healbench_iops $rw); fi
    hbs+=("$h") refs+=("$r") ratios+=("$(python3 -c "print($h / $r)")")
  done
  python3 - "$rw" "${hbs[*]}" "${refs[*]}" "${ratios[*]}" <<'PY'
import statistics, sys
rw, hbs, refs, ratios = sys.argv[1:5]
q = sorted(float(x) for x in ratios.split())
print(f"{rw:<10} {statistics.median(float(x) for x in hbs.split()):12.0f} "
      f"{statistics.median(float(x) for x in refs.split()):12.0f} {statistics.median(q):8.2f} "
      f"[{q[0]:.2f}, {q[-1]:.2f}]")
PY
done
