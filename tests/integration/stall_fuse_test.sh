#!/usr/bin/env bash
# Stalls on real storage that really stops: a FUSE passthrough (bindfs) whose process is
# frozen with SIGSTOP, so every I/O that reaches it waits. Checks that a freeze of D
# seconds is measured as a stall of D, that a freeze lasting past the end of the run does
# not hold the run (it ends on time and reports the stall as open), and that Ctrl-C ends a
# run early with complete results.
source "$(dirname "$0")/lib.sh"

# Ctrl-C first: needs nothing but the binary.
"$HB" run --set backend.kind=null --set run.duration=30s --set run.interval=100ms --out "$WORK/int" -q &
pid=$!
sleep 1.5
kill -INT "$pid"
start=$(date +%s.%N)
set +e; wait "$pid"; rc=$?; set -e
took=$(python3 -c "print($(date +%s.%N) - $start)")
[ "$rc" = 0 ] || fail "interrupted run exit code $rc, want 0"
python3 -c "import sys; sys.exit(0 if $took < 3 else 1)" || fail "interrupted run took ${took}s to end"
json_check "$WORK/int/results.json" 'r["interrupted"] is True and 1.0 < r["duration_s"] < 3.0' "interrupted run has results for the time that ran"
json_check "$WORK/int/results.json" 'r["totals"]["read"]["ios"] > 0 and any(e["action"] == "interrupt" for e in r["events"])' "interrupt recorded"
pass "Ctrl-C ends the run with complete results (${took}s)"

mount_freezable_fs "FUSE stall tests"

# Freeze for 3 s in the middle of an 8 s run of a write+flush workload. The fault timeline
# freezes it (SIGSTOP to bindfs) at a known time from the run's start.
cat >"$WORK/freeze.toml" <<TOML
[nodes.fuse]
injector = "signal"
pidfile = "$WORK/bindfs.pid"
[[fault]]
at = "2500ms"
action = "freeze"
node = "fuse"
[[fault]]
after = "3s"
action = "thaw"
node = "fuse"
TOML
expect_exit 0 "$HB" run "$WORK/freeze.toml" --set backend.kind=file --set backend.path="$WORK/mnt" \
  --set backend.direct=false --set images.size=64MiB --set workload.profile=db --set run.duration=8s \
  --set run.interval=250ms --out "$WORK/freeze" -q
R="$WORK/freeze/results.json"
echo "measured max stall: $(json_get "$R" 'r["derived"]["max_stall_s"]') s, longest completion gap: $(json_get "$R" 'r["derived"]["longest_completion_gap_s"]') s"
json_check "$R" '2.85 <= r["derived"]["max_stall_s"] <= 3.5' "a 3 s freeze is a stall of about 3 s"
json_check "$R" 'len([s for s in r["stalls"] if s["duration_s"] > 2]) == 1' "exactly one long stall"
json_check "$R" 'all(not s["open"] for s in r["stalls"])' "the stall closed after the thaw"
json_check "$R" 'any(2.4 <= s["start_s"] <= 2.6 for s in r["stalls"] if s["duration_s"] > 2)' "the stall starts at the freeze"
json_check "$R" '2.85 <= r["derived"]["longest_completion_gap_s"] <= 3.5' "no completion at all during the freeze"
json_check "$R" 'len(r["stalls_by_op"]["write"]) + len(r["stalls_by_op"]["flush"]) >= 1' "the stall is on writes or flushes"
pass "3 s freeze measured as a 3 s stall"

# Freeze that outlasts the run: the run still ends on time, with an open stall.
"$HB" run --set backend.kind=file --set backend.path="$WORK/mnt" --set backend.direct=false \
  --set images.size=64MiB --set workload.profile=db --set run.duration=4s --set run.drain_timeout=1s \
  --out "$WORK/stuck" -q &
pid=$!
sleep 1.5
kill -STOP "$BPID"
start=$(date +%s.%N)
for _ in $(seq 1 100); do [ -f "$WORK/stuck/results.json" ] && break; sleep 0.1; done
took=$(python3 -c "print($(date +%s.%N) - $start)")
[ -f "$WORK/stuck/results.json" ] || fail "no results 10 s after the storage froze for good"
python3 -c "import sys; sys.exit(0 if $took < 5.5 else 1)" || fail "results came ${took}s after the freeze; run should end at 4 s + 1 s drain"
kill -CONT "$BPID"
set +e; wait "$pid"; rc=$?; set -e
[ "$rc" = 3 ] || fail "stuck run exit code $rc, want 3 (I/O that never completed: the storage hung)"
R="$WORK/stuck/results.json"
json_check "$R" 'any(s["open"] for s in r["stalls"])' "the stall is reported as still open"
json_check "$R" 'any(e["action"] == "abandoned" for e in r["events"])' "abandoned I/O reported as an event"
json_check "$R" '2.0 <= r["derived"]["max_stall_s"] <= 4.5' "open stall runs from the freeze to the end of the run"
pass "stuck storage: run ended on time (${took}s after the freeze) with an open stall"
