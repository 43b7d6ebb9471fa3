#!/usr/bin/env bash
# Real Ceph end to end: the shipped scenarios in scenarios/ceph/ validate; then a local cluster
# (tests/ceph/ceph-lab.sh: 1 mon, 1 mgr, 3 OSDs, pool rbd size 2 / min_size 1,
# osd_heartbeat_grace 5 s) runs the shipped OSD freeze/thaw scenario, shortened, through the
# rbd backend (librbd) with write verification. Checks the stall at the freeze against the
# grace healbench read from the running OSD (expected vs measured), the ceph probe's
# degraded → healing → in_sync, time to in sync, no lost writes; then tears the lab down and
# checks that no daemon, listener or file of it is left. Prints the measured figures. Skips
# with a reason when not root, the Ceph packages are missing or the rbd backend is not built.
source "$(dirname "$0")/lib.sh"

shopt -s nullglob
files=("$SRC"/scenarios/ceph/*.toml)
[ ${#files[@]} -eq 3 ] || fail "expected 3 scenarios in $SRC/scenarios/ceph, found ${#files[@]}"
for f in "${files[@]}"; do expect_exit 0 "$HB" validate "$f"; done
pass "${#files[@]} ceph scenarios validate"

skip() { echo "skip: $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "needs root (Ceph daemons)"
for b in ceph-mon ceph-mgr ceph-osd ceph monmaptool; do
  command -v "$b" >/dev/null || skip "$b not installed (ceph-mon ceph-osd ceph-mgr ceph-common)"
done
"$HB" backends | grep -E '^ *rbd' | grep -q available ||
  skip "rbd backend not built here: $("$HB" backends | grep -E '^ *rbd')"

# A lab of its own (directory, ports) so a user's lab on the defaults is left alone.
export HB_CEPH_DIR=/var/tmp/healbench-ceph-e2e
export HB_CEPH_MON_PORT=3310 HB_CEPH_MON_PORT_V1=6799
export HB_CEPH_GRACE=5 HB_CEPH_HB_INTERVAL=1 HB_CEPH_DOWN_OUT=15
LAB="$SRC/tests/ceph/ceph-lab.sh"
CONF="$HB_CEPH_DIR/ceph.conf"
"$LAB" down >/dev/null 2>&1 || true # a dead earlier run
on_exit "'$LAB' down >/dev/null 2>&1"
t0=$(date +%s.%N)
if ! "$LAB" up >"$WORK/lab.log" 2>&1; then
  cat "$WORK/lab.log"
  fail "ceph-lab.sh up"
fi
up_s=$(python3 -c "import time; print(round(time.time() - $t0, 1))")
rss_idle_mib=$(($("$LAB" rss) / 1024))
pass "lab up in $up_s s (3 OSDs, pool rbd clean), daemons' RSS $rss_idle_mib MiB"

# The shipped freeze scenario pointed at this lab and shortened: freeze at 5 s for 15 s (three
# times the grace), then wait for in_sync.
sed -e "s|/var/tmp/healbench-ceph/ceph.conf|$CONF|g" -e "s|tests/ceph/ceph-lab.sh|$LAB|g" \
  -e 's|^duration = .*|duration = "75s"|; s|^at = "15s"|at = "5s"|' \
  -e 's|^after = "20s"|after = "15s"|; s|^size = "256MiB"|size = "64MiB"|' \
  "$SRC/scenarios/ceph/osd-freeze-thaw.toml" >"$WORK/freeze.toml"
expect_exit 0 "$HB" validate "$WORK/freeze.toml"

# RSS of the lab's daemons while the run goes on: the largest of samples every 2 s.
( peak=0
  while true; do
    kib=$("$LAB" rss 2>/dev/null || echo 0)
    ((kib > peak)) && peak=$kib && echo "$peak" >"$WORK/rss_peak"
    sleep 2
  done ) &
rss_pid=$!
on_exit "kill $rss_pid 2>/dev/null"

set +e
"$HB" run "$WORK/freeze.toml" --out "$WORK/freeze" -q >"$WORK/freeze.out" 2>&1
rc=$?
set -e
kill "$rss_pid" 2>/dev/null || true
[ "$rc" = 0 ] || { cat "$WORK/freeze.out"; fail "freeze: exit $rc: $HB run $WORK/freeze.toml"; }
R="$WORK/freeze/results.json"
pass "freeze scenario ran through the rbd backend"

json_check "$R" 'r["sync"]["probe"] == "ceph"' "ceph probe samples"
json_check "$R" 'r["derived"]["expected_stall_s"] == '"$HB_CEPH_GRACE"' and r["derived"]["expected_stall_basis"] == "osd_heartbeat_grace of osd.0"' "expected stall read from the running OSD's heartbeat grace"
# The stall the freeze caused: I/O to the frozen OSD's PGs waits until its peers report it
# (the grace) and the monitor marks it down; measured 9.4 s at grace 5 by hand. Not shorter
# than the grace, not longer than the grace plus 10 s.
stall_of_freeze='max([s["duration_s"] for s in r["stalls"] if s["cause"] == [e for e in r["events"] if e["action"] == "freeze"][0]["id"]] or [0.0])'
json_check "$R" "$stall_of_freeze >= $HB_CEPH_GRACE * 0.9" "a stall at the freeze of at least the heartbeat grace"
json_check "$R" "$stall_of_freeze <= $HB_CEPH_GRACE + 10" "the stall at the freeze ends within grace + 10 s"
json_check "$R" 'any(s["state"] == "degraded" for s in r["sync"]["samples"])' "the probe saw degraded"
json_check "$R" 'any(s["state"] == "healing" for s in r["sync"]["samples"])' "the probe saw healing (recovering PGs)"
json_check "$R" 'min(i for i, s in enumerate(r["sync"]["samples"]) if s["state"] == "degraded") < min(i for i, s in enumerate(r["sync"]["samples"]) if s["state"] == "healing")' "degraded before healing"
json_check "$R" '[s["state"] for s in r["sync"]["samples"] if s["state"] != "unknown"][-1] == "in_sync"' "in_sync at the end"
json_check "$R" 'r["derived"]["time_to_in_sync_s"] is not None' "time to in sync measured"
json_check "$R" '[e for e in r["events"] if e["kind"] == "wait"][0]["ok"] is True' "wait_until in_sync reached"
json_check "$R" 'all(e["ok"] for e in r["events"] if e["kind"] == "fault")' "every fault step ok"
json_check "$R" 'r["totals"]["write"]["errors"] == 0 and r["totals"]["read"]["errors"] == 0' "no I/O errors"
json_check "$R" 'r["integrity"]["checked_blocks"] > 0 and r["integrity"]["lost_writes"] == 0' "every acknowledged write read back (workload.verify)"
pass "stall at the freeze, degraded → healing → in_sync, no lost writes"

stall=$(json_get "$R" "round($stall_of_freeze, 2)")
in_sync=$(json_get "$R" 'round(r["derived"]["time_to_in_sync_s"], 1)')
thaw_at=$(json_get "$R" 'round([e for e in r["events"] if e["action"] == "thaw"][0]["t_s"], 1)')
states=$(json_get "$R" '"→".join(s for i, s in enumerate([x["state"] for x in r["sync"]["samples"]]) if i == 0 or s != [x["state"] for x in r["sync"]["samples"]][i - 1])')
ops=$(json_get "$R" 'r["totals"]["write"]["ios"] + r["totals"]["read"]["ios"]')
rss_peak_mib=$(($(cat "$WORK/rss_peak" 2>/dev/null || echo 0) / 1024))

# Down: every daemon gone, the ports free, the directory removed.
pids="$(cat "$HB_CEPH_DIR"/run/*.pid 2>/dev/null | tr '\n' ' ')"
"$LAB" down >"$WORK/down.log" 2>&1 || { cat "$WORK/down.log"; fail "ceph-lab.sh down"; }
for p in $pids; do ! kill -0 "$p" 2>/dev/null || fail "daemon $p still runs after down"; done
for port in $HB_CEPH_MON_PORT $HB_CEPH_MON_PORT_V1; do
  ! listening "$port" || fail "port $port still has a listener after down"
done
[ ! -e "$HB_CEPH_DIR" ] || fail "$HB_CEPH_DIR still exists after down"
! pgrep -f "ceph-(mon|mgr|osd) -c $HB_CEPH_DIR" >/dev/null || fail "a daemon of the lab still runs"
pass "lab down: daemons ($pids) stopped, ports free, $HB_CEPH_DIR removed"

echo "figures: lab up ${up_s} s; stall at OSD freeze ${stall} s vs osd_heartbeat_grace ${HB_CEPH_GRACE} s (expected); thaw at ${thaw_at} s, time to in_sync ${in_sync} s; probe ${states}; ${ops} I/Os verified; daemons' RSS ${rss_idle_mib} MiB idle, ${rss_peak_mib} MiB peak"
