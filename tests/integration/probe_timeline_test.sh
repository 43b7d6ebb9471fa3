#!/usr/bin/env bash
# Sync-state probes in a run: a command probe reads a state file that the test changes on a
# schedule (pending entries, then clean); phases go baseline -> degraded -> healing ->
# recovered, wait_until in_sync waits for the probe, time to in sync matches when the
# state became clean within one probe interval, and a hanging probe gives "unknown"
# samples and an event without holding the run.
source "$(dirname "$0")/lib.sh"

sleep 1000 &
VICTIM=$!
on_exit "kill -CONT $VICTIM 2>/dev/null; kill $VICTIM 2>/dev/null"
echo "clean" >"$WORK/state"

cat >"$WORK/probe.toml" <<TOML
[run]
name = "probe-timeline"
duration = "9s"
interval = "250ms"
[backend]
kind = "null"
[nodes.victim]
injector = "signal"
pid = $VICTIM
[probe]
kind = "command"
command = ["cat", "$WORK/state"]
in_sync_regex = "^clean"
pending_regex = "pending=([0-9]+)"
interval = "200ms"
timeout = "2s"
[[fault]]
at = "300ms"
action = "command"
# The state file follows the run's clock: pending now, clean 4.2 s later (t = 4.5 s).
command = "echo pending=5 > $WORK/state; (sleep 4.2; echo clean > $WORK/state) >/dev/null 2>&1 &"
[[fault]]
at = "1s"
action = "freeze"
node = "victim"
[[fault]]
after = "1s"
action = "thaw"
node = "victim"
[[fault]]
wait_until = "in_sync"
timeout = "6s"
[[fault]]
after = "0s"
action = "command"
command = ["true"]
TOML
expect_exit 0 "$HB" run "$WORK/probe.toml" --out "$WORK/p" -q
clean_at=4.5
R="$WORK/p/results.json"
echo "phases: $(json_get "$R" '[(p["name"], round(p["start_s"], 2)) for p in r["phases"]]')"
echo "time to in sync: $(json_get "$R" 'r["derived"]["time_to_in_sync_s"]') s"
json_check "$R" '[p["name"] for p in r["phases"]] == ["baseline", "degraded", "healing", "recovered"]' "phases from faults and the probe"
json_check "$R" 'r["sync"]["probe"] == "command" and len(r["sync"]["samples"]) > 20' "samples recorded"
json_check "$R" 'any(s["state"] == "healing" and s["pending_entries"] == 5 for s in r["sync"]["samples"])' "healing with pending entries"
json_check "$R" 'abs(r["phases"][3]["start_s"] - '$clean_at') < 0.6' "recovered when the probe saw in_sync"
json_check "$R" 'abs(r["derived"]["time_to_in_sync_s"] - ('$clean_at' - 2.0)) < 0.6' "time to in sync from the thaw"
json_check "$R" '[e for e in r["events"] if e["kind"] == "wait"][0]["ok"] is True' "wait_until in_sync reached"
json_check "$R" '[e for e in r["events"] if e["kind"] == "wait"][0]["end_s"] < [e for e in r["events"] if e["action"] == "command"][-1]["t_s"] + 0.01' "the step after the wait ran after it"
python3 - "$WORK/p/timeseries.csv" <<'PY' || fail "timeseries sync_state column"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
states = {r["sync_state"] for r in rows}
assert {"in_sync", "healing"} <= states, states
PY
pass "command probe drives phases, wait_until and time to in sync"

# A probe that hangs: every reading times out -> unknown, an event, the run ends on time.
sed -i 's|^command = \["cat", "[^"]*"\]|command = ["sleep", "30"]|; s|timeout = "2s"|timeout = "300ms"|; s|timeout = "6s"|timeout = "1s"|' "$WORK/probe.toml"
start=$(date +%s.%N)
expect_exit 0 "$HB" run "$WORK/probe.toml" --out "$WORK/hung" -q
took=$(python3 -c "print($(date +%s.%N) - $start)")
python3 -c "import sys; sys.exit(0 if $took < 13 else 1)" || fail "a hung probe held the run: ${took}s"
R="$WORK/hung/results.json"
json_check "$R" 'all(s["state"] == "unknown" for s in r["sync"]["samples"]) and len(r["sync"]["samples"]) >= 5' "hung probe gives unknown samples"
json_check "$R" 'any(e["kind"] == "probe" and e["action"] == "unknown" and "timed out" in e["detail"] for e in r["events"])' "an event says the probe timed out"
json_check "$R" '[e for e in r["events"] if e["kind"] == "wait"][0]["ok"] is False' "the wait timed out and was recorded as failed"
pass "hung probe: unknown, event, run on time (${took}s)"
