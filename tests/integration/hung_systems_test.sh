#!/usr/bin/env bash
# Hung and failing systems, on real processes: a backend whose open never returns (an NBD
# listener that never answers, a reference node frozen before the run), I/O that never
# completes (nbdkit's delay filter, a reference node frozen from outside), a probe and an
# injector command that hang past the end of the run, a node killed with SIGKILL mid-run.
# In each case the run ends on time, results.json is complete, faults are undone, nothing
# is left running, and the exit code says what happened (3: the storage failed or hung).
source "$(dirname "$0")/lib.sh"

# timed EXPECTED-RC MAX-SECONDS CMD...: expect_exit, and the command ended within MAX s.
timed() {
  local want="$1" max="$2" start took
  shift 2
  start=$(date +%s.%N)
  expect_exit "$want" "$@"
  took=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
  python3 -c "import sys; sys.exit(0 if $took <= $max else 1)" || fail "took ${took}s (bound ${max}s): $*"
  TOOK=$took
}
# complete R: results.json has every top-level key of the contract.
complete() {
  json_check "$1" 'r["schema"] == "healbench/1" and all(k in r for k in ("context", "duration_s", "totals", "phases", "stalls", "events", "sync", "derived", "integrity", "slo"))' "results.json complete: $1"
  json_check "$1" 'r["events"][-1]["kind"] == "run" and r["events"][-1]["action"] == "end"' "the run end is the last event: $1"
}
# node_procs OUT: pids of node processes of this healbench binary serving OUT/nodes.
node_procs() {
  local pid
  for pid in $(pgrep -f -- "node --listen .* --dir $1/nodes/" || true); do
    [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$HB")" ] && echo "$pid"
  done
  return 0
}
no_procs() {  # no_procs PATTERN WHAT: no process whose command line is exactly PATTERN
  if pgrep -fx -- "$1" >/dev/null; then fail "$2 left running: $(pgrep -afx -- "$1")"; fi
}
REF=(--set backend.kind=ref --set backend.replication=client --set images.size=64MiB
     --set workload.profile=randwrite --set run.interval=250ms)
HAVE_NBD=1
if ! command -v nbdkit >/dev/null || ! "$HB" backends | grep -q '^nbd *available'; then
  HAVE_NBD=0
fi

# --- Backend open that never returns, 1: an NBD server that accepts and never answers.
if [ "$HAVE_NBD" = 1 ]; then
  python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
held = []
while True: held.append(s.accept()[0])' >"$WORK/silent.port" &
  SILENT=$!
  on_exit "kill $SILENT 2>/dev/null"
  for _ in $(seq 50); do [ -s "$WORK/silent.port" ] && break; sleep 0.1; done
  SPORT=$(cat "$WORK/silent.port")
  timed 3 9 "$HB" run --set backend.kind=nbd --set backend.url="nbd://127.0.0.1:$SPORT" \
    --set run.duration=2s --out "$WORK/silent" -q
  expect_contains "$ERR" "nbd://127.0.0.1:$SPORT: no NBD handshake within" "the message names the URL"
  [ ! -e "$WORK/silent/results.json" ] || fail "results.json written for a run that never started"
  kill "$SILENT"
  pass "NBD server that never answers: exit 3 after ${TOOK}s, the URL named"
else
  echo "skip: NBD cases (nbdkit or the nbd backend missing)"
fi

# --- Backend open that never returns, 2: a reference node frozen before the run.
for n in 1 2; do
  mkdir -p "$WORK/ext$n"
  "$HB" node --listen 127.0.0.1:0 --dir "$WORK/ext$n" >"$WORK/ext$n.out" 2>"$WORK/ext$n.err" &
  echo $! >"$WORK/ext$n.pid"
  on_exit "kill -CONT $(cat "$WORK/ext$n.pid") 2>/dev/null; kill $(cat "$WORK/ext$n.pid") 2>/dev/null"
done
for n in 1 2; do
  for _ in $(seq 50); do grep -q '^listening' "$WORK/ext$n.out" && break; sleep 0.1; done
done
P1=$(sed -n 's/^listening 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/ext1.out")
P2=$(sed -n 's/^listening 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/ext2.out")
[ -n "$P1" ] && [ -n "$P2" ] || fail "external nodes printed no port line"
kill -STOP "$(cat "$WORK/ext2.pid")"
timed 3 8 "$HB" run "${REF[@]}" --set "backend.nodes=[\"127.0.0.1:$P1\", \"127.0.0.1:$P2\"]" \
  --set backend.ping_timeout=2s --set run.duration=3s --out "$WORK/extfrozen" -q
expect_contains "$ERR" "node2: HELLO to 127.0.0.1:$P2" "the message names the frozen node and its address"
expect_contains "$ERR" "no reply within 2000 ms" "the message says it waited ping_timeout"
kill -CONT "$(cat "$WORK/ext2.pid")"
for n in 1 2; do
  kill "$(cat "$WORK/ext$n.pid")"
  wait "$(cat "$WORK/ext$n.pid")" || fail "external node $n exited non-zero on SIGTERM"
done
listening "$P1" && fail "port $P1 still has a listener"
listening "$P2" && fail "port $P2 still has a listener"
pass "reference node frozen before the run: exit 3 after ${TOOK}s (ping_timeout 2 s), node named"

# --- I/O that never completes, 1: nbdkit delays every write by 1000 s.
if [ "$HAVE_NBD" = 1 ]; then
  PORT=$(free_port)
  start_server slow "$PORT" --filter=delay memory size=256M delay-write=1000
  # Ends at 3 s + 1 s drain (+ the sampler's grace), not when nbdkit answers.
  timed 3 8 "$HB" run --set backend.kind=nbd --set backend.url="nbd://127.0.0.1:$PORT" \
    --set images.size=64MiB --set workload.profile=randrw --set run.duration=3s \
    --set run.drain_timeout=1s --set run.interval=250ms --out "$WORK/slow" -q
  expect_contains "$ERR" "never completed" "stderr says I/O never completed"
  R="$WORK/slow/results.json"
  complete "$R"
  json_check "$R" 'any(s["open"] and "write" in s["ops"] for s in r["stalls"])' "the stuck writes are an open stall"
  json_check "$R" '3.0 <= r["derived"]["max_stall_s"] <= 4.6' "the open stall runs to the end of the run"
  json_check "$R" 'any(e["action"] == "abandoned" and not e["ok"] for e in r["events"])' "abandoned I/O is an event"
  json_check "$R" 'r["events"][-1]["ok"] is False' "the run end says it did not end cleanly"
  stop_server "$WORK/slow.pid" "$PORT"
  pass "writes that never complete (nbdkit delay): ended after ${TOOK}s, open stall, exit 3"
fi

# --- I/O that never completes, 2: a spawned reference node frozen from outside healbench,
# ping_timeout of an hour, so the client waits for it. healbench does not thaw what it did
# not freeze, so the I/O is abandoned; stopping the nodes at the end still works.
"$HB" run "${REF[@]}" --set backend.ping_timeout=1h --set run.duration=4s --set run.drain_timeout=1s \
  --out "$WORK/extfreeze" -q >"$WORK/extfreeze.out" 2>"$WORK/extfreeze.err" &
RUN=$!
on_exit "kill $RUN 2>/dev/null"
for _ in $(seq 100); do grep -Eq '"action": ?"start"' "$WORK/extfreeze/events.jsonl" 2>/dev/null && break; sleep 0.1; done
sleep 1
N2=$(pgrep -f -- "node --listen .* --dir $WORK/extfreeze/nodes/node2" | head -1)
[ -n "$N2" ] || fail "no node2 process: $(cat "$WORK/extfreeze.err")"
kill -STOP "$N2"
on_exit "kill -CONT $N2 2>/dev/null"
start=$(date +%s.%N)
set +e; wait "$RUN"; rc=$?; set -e
took=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
[ "$rc" = 3 ] || fail "node frozen from outside: exit $rc, want 3: $(cat "$WORK/extfreeze.err")"
python3 -c "import sys; sys.exit(0 if $took <= 12 else 1)" || fail "run ended ${took}s after the freeze (4 s run, 1 s drain, node stop 5 s)"
R="$WORK/extfreeze/results.json"
complete "$R"
json_check "$R" 'any(s["open"] for s in r["stalls"])' "the frozen node's I/O is an open stall"
[ -z "$(node_procs "$WORK/extfreeze")" ] || fail "node processes left: $(node_procs "$WORK/extfreeze")"
pass "reference node frozen from outside: open stall, exit 3, nodes stopped (${took}s after the freeze)"

# --- A freeze the timeline made and never lifted (ping_timeout 1 h): undone at the end while
# the workers drain, so the held I/O completes; the stall runs from the freeze to the end.
cat >"$WORK/freeze.toml" <<'TOML'
[[fault]]
at = "1s"
action = "freeze"
node = "node2"
TOML
timed 0 12 "$HB" run "$WORK/freeze.toml" "${REF[@]}" --set backend.ping_timeout=1h \
  --set run.duration=4s --set run.drain_timeout=3s --out "$WORK/freeze" -q
R="$WORK/freeze/results.json"
complete "$R"
json_check "$R" 'any(e["kind"] == "undo" and e["action"] == "thaw" and e["ok"] for e in r["events"])' "the freeze is undone at the end"
json_check "$R" 'not any(s["open"] for s in r["stalls"])' "once thawed, every I/O completed"
json_check "$R" 'any(0.9 <= s["start_s"] <= 1.3 and s["end_s"] >= 3.9 for s in r["stalls"])' "the stall runs from the freeze to the end of the run"
[ -z "$(node_procs "$WORK/freeze")" ] || fail "node processes left: $(node_procs "$WORK/freeze")"
pass "freeze left in force: thawed at the end, I/O completed, stall freeze..end (${TOOK}s)"

# --- A probe and an injector command that hang far past the end of the run (timeouts of
# 60 s and 30 s): the run still ends at its duration; a short injector timeout is enforced
# and the run goes on to its next step; a disconnect whose command was cut short may have
# happened, so its reconnect runs at the end; no hung command is left running.
cat >"$WORK/hung.toml" <<TOML
[run]
duration = "4s"
[backend]
kind = "null"
[nodes.n1]
injector = "command"
disconnect = ["sleep", "9871"]
reconnect = ["touch", "$WORK/reconnected"]
timeout = "500ms"
[nodes.n2]
injector = "command"
disconnect = ["sleep", "9872"]
reconnect = ["touch", "$WORK/reconnected2"]
timeout = "60s"
[[fault]]
at = "500ms"
action = "disconnect"
node = "n1"
[[fault]]
after = "200ms"
action = "command"
command = ["touch", "$WORK/went-on"]
[[fault]]
after = "200ms"
action = "disconnect"
node = "n2"
[probe]
kind = "command"
command = ["sleep", "9873"]
in_sync_regex = "clean"
timeout = "30s"
interval = "500ms"
TOML
timed 0 8 "$HB" run "$WORK/hung.toml" --out "$WORK/hung" -q
R="$WORK/hung/results.json"
complete "$R"
json_check "$R" 'r["duration_s"] < 4.5' "the run lasted its duration"
json_check "$R" '[(e["node"], e["ok"]) for e in r["events"] if e["kind"] == "fault" and e["action"] == "disconnect"] == [("n1", False), ("n2", False)]' "both hung disconnects failed"
json_check "$R" '"timed out after 500 ms" in [e for e in r["events"] if e["node"] == "n1" and e["kind"] == "fault"][0]["detail"]' "the short injector timeout is named"
json_check "$R" '"cancelled" in [e for e in r["events"] if e["node"] == "n2" and e["kind"] == "fault"][0]["detail"]' "the long one is cut short at the end of the run"
json_check "$R" 'sorted((e["node"], e["ok"]) for e in r["events"] if e["kind"] == "undo") == [("n1", True), ("n2", True)]' "both possibly-applied disconnects are undone"
[ -e "$WORK/went-on" ] || fail "the step after the hung injector did not run"
[ -e "$WORK/reconnected" ] && [ -e "$WORK/reconnected2" ] || fail "reconnect commands did not run"
json_check "$R" 'len(r["sync"]["samples"]) >= 1 and all(s["state"] == "unknown" and s["t_s"] <= r["duration_s"] for s in r["sync"]["samples"])' "the hung probe reads unknown, with no reading after the end"
json_check "$R" 'any(e["kind"] == "probe" and e["action"] == "unknown" for e in r["events"])' "the hung probe is an event"
no_procs "sleep 9871" "hung injector command"
no_procs "sleep 9872" "hung injector command"
no_procs "sleep 9873" "hung probe command"
pass "hung probe and injectors: run ended after ${TOOK}s (4 s run), recorded, undone, nothing left"

# --- A node killed with SIGKILL mid-run (not by the timeline): an event, the run finishes.
"$HB" run "${REF[@]}" --set workload.profile=randrw --set backend.ping_timeout=2s \
  --set probe.kind=ref --set probe.interval=250ms --set run.duration=5s --out "$WORK/killed" -q \
  >"$WORK/killed.out" 2>"$WORK/killed.err" &
RUN=$!
on_exit "kill $RUN 2>/dev/null"
for _ in $(seq 100); do grep -Eq '"action": ?"start"' "$WORK/killed/events.jsonl" 2>/dev/null && break; sleep 0.1; done
sleep 1.5
N2=$(pgrep -f -- "node --listen .* --dir $WORK/killed/nodes/node2" | head -1)
[ -n "$N2" ] || fail "no node2 process: $(cat "$WORK/killed.err")"
kill -9 "$N2"
set +e; wait "$RUN"; rc=$?; set -e
[ "$rc" = 0 ] || fail "node killed mid-run: exit $rc, want 0 (no SLO): $(cat "$WORK/killed.err")"
R="$WORK/killed/results.json"
complete "$R"
json_check "$R" '4.9 <= r["duration_s"] <= 6' "the run went on to its end"
json_check "$R" 'any(e["kind"] == "node" and e["action"] == "exited" and e["node"] == "node2" and "SIGKILL" in e["detail"] for e in r["events"])' "the node's death is an event naming the signal"
json_check "$R" 'any(s["state"] == "degraded" for s in r["sync"]["samples"])' "the probe saw the cluster degraded"
json_check "$R" 'r["totals"]["write"]["ios"] > 0 and r["totals"]["write"]["errors"] == 0' "I/O went on on the surviving node"
[ -z "$(node_procs "$WORK/killed")" ] || fail "node processes left: $(node_procs "$WORK/killed")"
pass "node killed mid-run: recorded ($(json_get "$R" '[e["detail"] for e in r["events"] if e["kind"] == "node"][0]')), run finished"
