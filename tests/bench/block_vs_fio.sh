#!/usr/bin/env bash
# healbench's block backends beside the reference clients on the same servers, in one run:
# nbd (nbdkit memory) vs fio's nbd engine, iscsi (tgtd, file-backed LUN) vs fio's libiscsi
# engine where this fio has it, else vs libiscsi's own iscsi-perf (random READ16 only).
# 4k random read and write, iodepth 32, one job / one worker; runs interleaved REPS times.
#
#   tests/bench/block_vs_fio.sh [HEALBENCH_BINARY]     (root: tgtd needs it)
#
# Prints per target and workload the median over the pairs of healbench IOPS / reference
# IOPS (> 1: healbench drove more I/O), with the range. Compare ratios, not absolute IOPS.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/../.." && pwd)
HEALBENCH=${1:-${HEALBENCH:-$repo/build/release/healbench}}
REPS=${REPS:-3}
DURATION=${DURATION:-5}  # seconds per run, each tool
IODEPTH=32
SIZE_MIB=512

die() { echo "block_vs_fio: $*" >&2; exit 2; }
[[ -x $HEALBENCH ]] || die "healbench binary not found: $HEALBENCH (build it, or pass its path)"
for t in fio nbdkit tgtd tgtadm python3; do command -v $t >/dev/null || die "$t not found (scripts/install-deps.sh)"; done
[ "$(id -u)" = 0 ] || die "tgtd needs root"
"$HEALBENCH" backends | grep -q '^nbd  *available' || die "healbench built without the nbd backend"
"$HEALBENCH" backends | grep -q '^iscsi  *available' || die "healbench built without the iscsi backend"
fio_has() { fio --enghelp 2>/dev/null | grep -qw "$1"; }
fio_has nbd || die "this fio has no nbd engine"
if fio_has libiscsi; then iscsi_ref=fio; else
  command -v iscsi-perf >/dev/null || die "fio has no libiscsi engine and iscsi-perf (libiscsi-bin) is missing"
  iscsi_ref=iscsi-perf
fi

work=$(mktemp -d /var/tmp/healbench-block-bench.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
listening() { [ -n "$(ss -Hltn "sport = :$1")" ]; }
NBD_PORT=$(free_port)
ISCSI_PORT=$(free_port)
CTL=$((ISCSI_PORT % 30000 + 1000))
IQN=iqn.2026-01.org.healbench:bench
cleanup() {
  if [ -s "$work/tgtd.pid" ]; then
    tgtadm -C "$CTL" --lld iscsi --op delete --force --mode target --tid 1 >/dev/null 2>&1 || true
    tgtadm -C "$CTL" --lld iscsi --op delete --mode system >/dev/null 2>&1 || kill "$(cat "$work/tgtd.pid")" 2>/dev/null || true
  fi
  [ -s "$work/nbdkit.pid" ] && kill "$(cat "$work/nbdkit.pid")" 2>/dev/null || true
  for _ in $(seq 50); do listening "$NBD_PORT" || listening "$ISCSI_PORT" || break; sleep 0.1; done
  rm -rf "$work" "/var/run/tgtd/socket.$CTL" "/var/run/tgtd/socket.$CTL.lock"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

nbdkit -P "$work/nbdkit.pid" -p "$NBD_PORT" -i 127.0.0.1 memory size=1G </dev/null >"$work/nbdkit.log" 2>&1
tgtd -f -C "$CTL" --iscsi portal="127.0.0.1:$ISCSI_PORT" </dev/null >"$work/tgtd.log" 2>&1 &
echo $! >"$work/tgtd.pid"
for _ in $(seq 50); do listening "$ISCSI_PORT" && listening "$NBD_PORT" && break; sleep 0.1; done
# The LUN's file written in full once, so reads are of real data, not holes.
dd if=/dev/urandom of="$work/lun.img" bs=1M count=1024 status=none
tgtadm -C "$CTL" --lld iscsi --op new --mode target --tid 1 -T "$IQN"
tgtadm -C "$CTL" --lld iscsi --op new --mode logicalunit --tid 1 --lun 1 -b "$work/lun.img"
tgtadm -C "$CTL" --lld iscsi --op bind --mode target --tid 1 -I ALL
NBD_URL="nbd://127.0.0.1:$NBD_PORT"
ISCSI_URL="iscsi://127.0.0.1:$ISCSI_PORT/$IQN/1"

# healbench_iops KIND URL PROFILE: IOPS of one healbench run (one worker, 4k, iodepth 32).
healbench_iops() {
  local out="$work/hb.$RANDOM"
  "$HEALBENCH" run --set backend.kind="$1" --set backend.url="$2" --set images.size=${SIZE_MIB}MiB \
    --set workload.profile="$3" --set workload.bs=4k --set workload.iodepth=$IODEPTH \
    --set run.threads=1 --set run.duration=${DURATION}s --out "$out" -q >/dev/null 2>"$out.err" ||
    { cat "$out.err" >&2; die "healbench run failed"; }
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); t=r["totals"]; print((t["read"]["ios"]+t["write"]["ios"])/r["duration_s"])' "$out/results.json"
}
# fio_iops ENGINE-ARGS... -- RW: IOPS of one fio run.
fio_iops() {
  local rw="${*: -1}"; set -- "${@:1:$#-1}"
  fio --name=ref "$@" --rw="$rw" --bs=4k --iodepth=$IODEPTH --size=${SIZE_MIB}M --numjobs=1 --thread \
    --time_based --runtime=$DURATION --norandommap --output-format=json >"$work/fio.json" 2>"$work/fio.err" ||
    { cat "$work/fio.err" >&2; die "fio failed"; }
  # fio's nbd engine prints "fio: connected to NBD server" before the JSON.
  python3 -c 'import json,sys; t=open(sys.argv[1]).read(); j=json.loads(t[t.index("{"):])["jobs"][0]; print(j["read"]["iops"]+j["write"]["iops"])' "$work/fio.json"
}
iscsi_perf_iops() {  # random READ16 of 8 x 512 B blocks, 32 in flight
  timeout $((DURATION + 10)) iscsi-perf -m $IODEPTH -b 8 -r -t "$DURATION" "$ISCSI_URL" 2>&1 |
    tr '\r' '\n' | sed -n 's/^ *iops average \([0-9]*\).*/\1/p' | tail -1
}

# reference TARGET RW: the reference tool's IOPS, or nothing where there is none.
reference() {
  case "$1" in
    nbd) fio_iops --ioengine=nbd --uri="$NBD_URL" "$2" ;;
    iscsi)
      if [ "$iscsi_ref" = fio ]; then
        fio_iops --ioengine=libiscsi --filename="$ISCSI_URL" "$2"
      elif [ "$2" = randread ]; then
        iscsi_perf_iops
      fi ;;
  esac
}
ref_name() {
  case "$1/$2" in
    nbd/*) echo "fio nbd" ;;
    iscsi/*) [ "$iscsi_ref" = fio ] && echo "fio libiscsi" || { [ "$2" = randread ] && echo "iscsi-perf" || echo "none"; } ;;
  esac
}

echo "healbench $("$HEALBENCH" --version 2>/dev/null | head -1), $(fio --version), 4k, iodepth $IODEPTH, 1 worker, ${DURATION}s x $REPS pairs"
[ "$iscsi_ref" = fio ] || echo "note: this fio has no libiscsi engine (fio --enghelp); iSCSI reads are compared with libiscsi's iscsi-perf, writes have no reference"
printf '%-6s %-10s %12s %-13s %12s %8s %s\n' target workload healbench reference ref_iops ratio range
for target in nbd iscsi; do
  url=$NBD_URL; [ $target = iscsi ] && url=$ISCSI_URL
  for rw in randread randwrite; do
    hbs=(); refs=(); ratios=()
    for i in $(seq "$REPS"); do
      if (( i % 2 )); then h=$(healbench_iops $target "$url" $rw); r=$(reference $target $rw)
      else r=$(reference $target $rw); h=$(healbench_iops $target "$url" $rw); fi
      hbs+=("$h"); refs+=("${r:-}")
      [ -n "$r" ] && ratios+=("$(python3 -c "print($h / $r)")")
    done
    python3 - "$target" "$rw" "$(ref_name $target $rw)" "${hbs[*]}" "${refs[*]}" "${ratios[*]:-}" <<'PY'
import statistics, sys
target, rw, ref, hbs, refs, ratios = sys.argv[1:7]
hb = statistics.median(float(x) for x in hbs.split())
r = [float(x) for x in refs.split()]
q = sorted(float(x) for x in ratios.split())
print(f"{target:<6} {rw:<10} {hb:12.0f} {ref:<13} " +
      (f"{statistics.median(r):12.0f} {statistics.median(q):8.2f} [{q[0]:.2f}, {q[-1]:.2f}]" if q else f"{'-':>12} {'-':>8}"))
PY
  done
done
