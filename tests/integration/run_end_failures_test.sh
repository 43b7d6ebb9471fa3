#!/usr/bin/env bash
# How a run ends when its end goes wrong, on real processes: Ctrl-C in the middle of a
# partition (spawned reference nodes behind healbench's fault proxies) and SIGTERM while an
# injector command hangs — faults undone, partial results complete, exit code as for the
# time that ran (0 here: no SLO); and a results directory that fills up (a 256 KiB tmpfs,
# root only) — a clear message naming the path, exit 3, nothing half-written left under a
# final name, events.jsonl without a torn line.
source "$(dirname "$0")/lib.sh"

node_procs() {  # node_procs OUT: node processes of this binary serving OUT/nodes
  local pid
  for pid in $(pgrep -f -- "node --listen .* --dir $1/nodes/" || true); do
    [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$HB")" ] && echo "$pid"
  done
  return 0
}
# run_bg NAME ARGS...: healbench run in the background, $RUN its pid; waits for its start.
run_bg() {
  local name="$1"
  shift
  "$HB" run "$@" --out "$WORK/$name" -q >"$WORK/$name.out" 2>"$WORK/$name.err" &
  RUN=$!
  on_exit "kill $RUN 2>/dev/null"
  for _ in $(seq 100); do grep -Eq '"action": ?"start"' "$WORK/$name/events.jsonl" 2>/dev/null && break; sleep 0.1; done
}
# signal_and_wait SIG MAX: sends SIG to $RUN, waits; $RC its exit code, fails past MAX s.
signal_and_wait() {
  local start
  kill -"$1" "$RUN"
  start=$(date +%s.%N)
  for _ in $(seq $(($2 * 10))); do kill -0 "$RUN" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$RUN" 2>/dev/null && fail "healbench still running $2 s after SIG$1"
  set +e; wait "$RUN"; RC=$?; set -e
  TOOK=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
}

# --- Ctrl-C during a partition: a blackhole at the node's fault proxy, ping_timeout 30 s so
# the guest's I/O is held. Undone on the way out, so the held I/O completes.
cat >"$WORK/partition.toml" <<'TOML'
[run]
duration = "60s"
interval = "250ms"
[backend]
kind = "ref"
replication = "client"
ping_timeout = "30s"
[images]
size = "64MiB"
[workload]
profile = "randwrite"
[[fault]]
at = "1s"
action = "partition"
node = "node2"
[[fault]]
after = "60s"
action = "heal_partition"
node = "node2"
TOML
run_bg int "$WORK/partition.toml"
sleep 2.5
PROXIES=$(sed -n 's/.*reached through fault proxy 127.0.0.1:\([0-9]*\) .*/\1/p' "$WORK/int.err")
[ -n "$PROXIES" ] || fail "no fault proxy ports in stderr: $(cat "$WORK/int.err")"
signal_and_wait INT 15
[ "$RC" = 0 ] || fail "Ctrl-C mid-partition: exit $RC, want 0 (no SLO; the time that ran is measured): $(cat "$WORK/int.err")"
R="$WORK/int/results.json"
json_check "$R" 'r["interrupted"] is True and 2.0 <= r["duration_s"] <= 10' "results say interrupted, for the time that ran"
json_check "$R" 'any(e["action"] == "interrupt" for e in r["events"]) and r["events"][-1]["detail"] == "interrupted"' "the interrupt is an event"
json_check "$R" '[(e["action"], e["ok"]) for e in r["events"] if e["kind"] == "undo"] == [("heal_partition", True)]' "the partition is lifted as an undo"
json_check "$R" 'not any(s["open"] for s in r["stalls"]) and any(s["start_s"] < 1.5 and s["duration_s"] > 1 for s in r["stalls"])' "the held I/O completed once the partition was lifted"
json_check "$R" 'all(k in r for k in ("totals", "phases", "stalls", "sync", "derived", "integrity", "slo", "timeseries"))' "results complete"
[ -s "$WORK/int/report.html" ] && [ -s "$WORK/int/timeseries.csv" ] || fail "report.html / timeseries.csv missing after Ctrl-C"
[ -z "$(node_procs "$WORK/int")" ] || fail "node processes left after Ctrl-C: $(node_procs "$WORK/int")"
for p in $PROXIES; do listening "$p" && fail "fault proxy port $p still listening after Ctrl-C"; done
pass "Ctrl-C mid-partition: ended in ${TOOK}s, partition lifted, I/O completed, results complete"

# --- SIGTERM while an injector command hangs (timeout 60 s): the run does not wait for it;
# the disconnect may have happened, so its reconnect runs; nothing is left running.
cat >"$WORK/hungcmd.toml" <<TOML
[run]
duration = "60s"
[backend]
kind = "null"
[nodes.n1]
injector = "command"
disconnect = ["sleep", "9874"]
reconnect = ["touch", "$WORK/reconnected"]
[[fault]]
at = "500ms"
action = "disconnect"
node = "n1"
timeout = "60s"
TOML
run_bg term "$WORK/hungcmd.toml"
sleep 1.5
pgrep -fx "sleep 9874" >/dev/null || fail "the injector command is not running"
signal_and_wait TERM 6
[ "$RC" = 0 ] || fail "SIGTERM during a hung injector: exit $RC, want 0: $(cat "$WORK/term.err")"
R="$WORK/term/results.json"
json_check "$R" 'r["interrupted"] is True and r["duration_s"] < 4' "results say interrupted"
json_check "$R" '[(e["kind"], e["ok"]) for e in r["events"] if e["action"] in ("disconnect", "reconnect")] == [("fault", False), ("undo", True)]' "disconnect cut short, reconnect run as an undo"
json_check "$R" '"cancelled" in [e for e in r["events"] if e["action"] == "disconnect"][0]["detail"]' "the event says the command was cut short"
[ -e "$WORK/reconnected" ] || fail "the reconnect command did not run"
pgrep -fx "sleep 9874" >/dev/null && fail "the hung injector command was left running"
pass "SIGTERM during a hung injector command: ended in ${TOOK}s, reconnect run, nothing left"

# --- The results directory fills up.
if [ "$(id -u)" != 0 ]; then
  echo "skip: full results directory (mounting a tmpfs needs root)"
  exit 0
fi
mkdir -p "$WORK/full"
mount -t tmpfs -o size=256k tmpfs "$WORK/full" || { echo "skip: full results directory (cannot mount a tmpfs here)"; exit 0; }
on_exit "umount -l '$WORK/full'"
# Leave about 12 KiB: the events fit for a while, results.json (tens of KiB) does not.
dd if=/dev/zero of="$WORK/full/filler" bs=4k count=1000 2>/dev/null || true
truncate -s -12k "$WORK/full/filler"
expect_exit 3 "$HB" run --set backend.kind=null --set run.duration=2s --set run.interval=100ms \
  --out "$WORK/full/out" -q
expect_contains "$ERR" "could not write the results: write $WORK/full/out/results.json.tmp." "the message names the file"
expect_contains "$ERR" "No space left on device" "the message says why"
[ ! -e "$WORK/full/out/results.json" ] || fail "results.json exists after a failed write"
[ -z "$(find "$WORK/full/out" -name '*.tmp.*')" ] || fail "temp files left: $(find "$WORK/full/out" -name '*.tmp.*')"
[ ! -e "$WORK/full/out/report.html" ] && [ ! -e "$WORK/full/out/timeseries.csv" ] || fail "derived files written without results.json"
python3 - "$WORK/full/out/events.jsonl" <<'PY' || fail "events.jsonl has a torn line"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines, "no event at all"
for l in lines: json.loads(l)
PY
pass "full results directory: exit 3, path and errno named, no partial results.json"
