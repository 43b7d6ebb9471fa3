#!/usr/bin/env bash
# The fault timeline on real processes: a signal injector freezes a FUSE filesystem's
# process (bindfs) for D seconds -> a stall of D, phases baseline/degraded/recovered,
# failover latency; command injector steps that fail or time out are recorded and the run
# goes on (or aborts when told); Ctrl-C during a freeze leaves nothing frozen.
source "$(dirname "$0")/lib.sh"

# Command steps: one that fails, one that hangs past its timeout; the run goes on.
cat >"$WORK/cmd.toml" <<TOML
[run]
name = "command-steps"
duration = "3s"
[backend]
kind = "null"
[[fault]]
at = "500ms"
action = "command"
command = ["sh", "-c", "echo going; exit 3"]
[[fault]]
after = "100ms"
action = "command"
command = "sleep 10"
timeout = "700ms"
[[fault]]
after = "100ms"
action = "command"
command = ["true"]
TOML
start=$(date +%s.%N)
expect_exit 0 "$HB" run "$WORK/cmd.toml" --out "$WORK/cmd" -q
took=$(python3 -c "print($(date +%s.%N) - $start)")
python3 -c "import sys; sys.exit(0 if $took < 6 else 1)" || fail "a hung command held the run: ${took}s"
R="$WORK/cmd/results.json"
json_check "$R" '[e["ok"] for e in r["events"] if e["kind"] == "fault"] == [False, False, True]' "fail, timeout, ok recorded"
json_check "$R" '"exit 3" in [e for e in r["events"] if e["kind"] == "fault"][0]["detail"] and "going" in [e for e in r["events"] if e["kind"] == "fault"][0]["detail"]' "exit status and output recorded"
json_check "$R" '"timed out after" in [e for e in r["events"] if e["kind"] == "fault"][1]["detail"]' "timeout recorded"
json_check "$R" '0.6 <= [e for e in r["events"] if e["kind"] == "fault"][1]["end_s"] - [e for e in r["events"] if e["kind"] == "fault"][1]["t_s"] <= 1.5' "timeout enforced"
json_check "$R" '[p["name"] for p in r["phases"]] == ["baseline"]' "command steps do not change the phase"
sed -i 's/timeout = "700ms"/timeout = "700ms"\non_timeout = "abort"/' "$WORK/cmd.toml"
expect_exit 3 "$HB" run "$WORK/cmd.toml" --out "$WORK/abort" -q
json_check "$WORK/abort/results.json" 'r["duration_s"] < 2.5 and any(e["action"] == "abort" for e in r["events"])' "abort ends the run early"
pass "command steps: failure, timeout, abort"

mount_freezable_fs "signal injector tests"

cat >"$WORK/freeze.toml" <<TOML
[run]
name = "freeze-fuse"
duration = "7s"
interval = "250ms"
[backend]
kind = "file"
path = "$WORK/mnt"
direct = false
[images]
size = "64MiB"
[workload]
profile = "db"
[nodes.fuse]
injector = "signal"
pidfile = "$WORK/bindfs.pid"
[[fault]]
at = "2s"
action = "freeze"
node = "fuse"
[[fault]]
after = "2500ms"
action = "thaw"
node = "fuse"
[slo]
max_stall = "1s"
TOML
expect_exit 1 "$HB" run "$WORK/freeze.toml" --out "$WORK/freeze" -q
R="$WORK/freeze/results.json"
echo "max stall $(json_get "$R" 'r["derived"]["max_stall_s"]') s, failover $(json_get "$R" 'r["derived"]["failover_latency_s"]') s, degraded IOPS ratio $(json_get "$R" 'r["derived"]["degraded_iops_ratio"]')"
json_check "$R" '[p["name"] for p in r["phases"]] == ["baseline", "degraded", "recovered"]' "phases from the faults"
json_check "$R" 'abs(r["phases"][1]["start_s"] - 2.0) < 0.2 and abs(r["phases"][1]["end_s"] - 4.5) < 0.3' "degraded spans the freeze"
json_check "$R" '2.35 <= r["derived"]["max_stall_s"] <= 2.9' "a 2.5 s freeze is a 2.5 s stall"
json_check "$R" '2.3 <= r["derived"]["failover_latency_s"] <= 2.9' "failover: fault to first completion after the stall"
json_check "$R" 'r["derived"]["degraded_iops_ratio"] < 0.2' "almost nothing completes while frozen"
json_check "$R" '[s for s in r["stalls"] if s["duration_s"] > 2][0]["cause"] == [e for e in r["events"] if e["action"] == "freeze"][0]["id"]' "stall caused by the freeze event"
json_check "$R" '[s for s in r["stalls"] if s["duration_s"] > 2][0]["phase"] == "degraded"' "the stall is felt in the degraded phase"
json_check "$R" 'r["slo"]["pass"] is False and [c for c in r["slo"]["checks"] if c["name"] == "max_stall"][0]["pass"] is False' "SLO max_stall 1s violated, exit 1"
json_check "$R" '"SIGSTOP sent to pid" in [e for e in r["events"] if e["action"] == "freeze"][0]["detail"]' "injector output in the event"
pass "signal injector freeze/thaw: stall, phases, failover, SLO"

# Ctrl-C while frozen: the run ends, the process is thawed, results are complete.
sed -i 's/after = "2500ms"/after = "60s"/; s/duration = "7s"/duration = "30s"/' "$WORK/freeze.toml"
"$HB" run "$WORK/freeze.toml" --out "$WORK/ctrlc" -q &
pid=$!
sleep 3.5
state=$(awk '{print $3}' /proc/"$BPID"/stat)
[ "$state" = T ] || fail "bindfs should be frozen during the run (state $state)"
kill -INT "$pid"
set +e; wait "$pid"; rc=$?; set -e
state=$(awk '{print $3}' /proc/"$BPID"/stat)
[ "$state" != T ] || fail "bindfs left frozen after Ctrl-C"
[ "$rc" = 1 ] || [ "$rc" = 0 ] || fail "exit $rc after Ctrl-C"
json_check "$WORK/ctrlc/results.json" 'r["interrupted"] and any(e["kind"] == "undo" and e["action"] == "thaw" and e["ok"] for e in r["events"])' "thaw recorded as an undo"
pass "Ctrl-C during a freeze leaves nothing frozen"
