#!/usr/bin/env bash
# The nbd backend against real nbdkit servers on loopback: TCP and Unix-socket URLs, flushes,
# an error filter's EIO counted while the run goes on, a paused server measured as a stall,
# and a killed-and-restarted server ending in a reconnect (a stall), not a hang.
source "$(dirname "$0")/lib.sh"

"$HB" backends | grep -q '^nbd  *available' || { echo "skip: healbench built without libnbd"; exit 0; }
command -v nbdkit >/dev/null || { echo "skip: nbdkit not installed"; exit 0; }

no_errors='r["totals"]["read"]["errors"] + r["totals"]["write"]["errors"] + r["totals"]["flush"]["errors"] == 0'

# TCP: random read/write, then a db workload with a flush after each write.
PORT=$(free_port)
start_server mem "$PORT" memory size=256M
URL="nbd://127.0.0.1:$PORT"
expect_exit 0 "$HB" run --set backend.kind=nbd --set backend.url="$URL" --set images.size=128MiB \
  --set workload.profile=randrw --set run.duration=2s --out "$WORK/randrw" -q
R="$WORK/randrw/results.json"
json_check "$R" 'r["totals"]["read"]["ios"] > 100 and r["totals"]["write"]["ios"] > 100' "reads and writes done"
json_check "$R" "$no_errors" "no errors"
expect_exit 0 "$HB" run --set backend.kind=nbd --set backend.url="$URL" --set images.count=2 \
  --set images.size=128MiB --set workload.profile=db --set run.duration=2s --out "$WORK/db" -q
R="$WORK/db/results.json"
json_check "$R" 'r["totals"]["write"]["ios"] > 50 and r["totals"]["flush"]["ios"] > 50' "db writes and flushes, two images as regions"
json_check "$R" "$no_errors" "no errors"
pass "nbd over TCP: randrw, db with flushes"

# Sizes checked against the export; bad URLs named.
expect_exit 2 "$HB" run --set backend.kind=nbd --set backend.url="$URL" --set images.size=1GiB \
  --set run.duration=1s --out "$WORK/big" -q
expect_contains "$ERR" "images.size 1GiB exceeds the NBD export size 256MiB" "image larger than the export"
expect_exit 2 "$HB" run --set backend.kind=nbd --set backend.url="$URL" --set images.count=3 \
  --set images.size=128MiB --set run.duration=1s --out "$WORK/big3" -q
expect_contains "$ERR" "images.count 3 x images.size 128MiB = 384MiB exceeds the NBD export size 256MiB" "regions larger than the export"
expect_exit 2 "$HB" run --set backend.kind=nbd --set backend.url="http://127.0.0.1:$PORT" \
  --set run.duration=1s --out "$WORK/http" -q
expect_contains "$ERR" "is not an NBD URL" "wrong scheme"
stop_server "$WORK/mem.pid" "$PORT"
expect_exit 3 "$HB" run --set backend.kind=nbd --set backend.url="$URL" --set run.duration=1s --out "$WORK/down" -q
expect_contains "$ERR" "connect to $URL" "server down at start"
pass "nbd: sizes and URLs checked, a server down at start is an infrastructure error"

# Unix socket.
SOCK="$WORK/nbd.sock"
nbdkit -f -P "$WORK/unix.pid" -U "$SOCK" memory size=64M </dev/null >"$WORK/unix.log" 2>&1 &
on_exit "stop_server '$WORK/unix.pid'"
for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
expect_exit 0 "$HB" run --set backend.kind=nbd --set backend.url="nbd+unix:///?socket=$SOCK" \
  --set images.size=64MiB --set workload.profile=randrw --set run.duration=1s --out "$WORK/unix" -q
json_check "$WORK/unix/results.json" 'r["totals"]["read"]["ios"] > 100' "reads over a Unix socket"
stop_server "$WORK/unix.pid"
[ -z "$(ss -Hlx "src $SOCK")" ] || fail "a listener is left on $SOCK"
pass "nbd over a Unix socket"

# The error filter's EIO is counted and the run goes on.
PORT=$(free_port)
start_server err "$PORT" --filter=error memory size=256M error=EIO error-rate=5%
expect_exit 0 "$HB" run --set backend.kind=nbd --set backend.url="nbd://127.0.0.1:$PORT" \
  --set images.size=128MiB --set workload.profile=randrw --set run.duration=2s --out "$WORK/eio" -q
R="$WORK/eio/results.json"
json_check "$R" 'r["totals"]["read"]["errors"] > 10 and r["totals"]["write"]["errors"] > 10' "EIO counted"
json_check "$R" 'r["totals"]["read"]["ios"] > 10 * r["totals"]["read"]["errors"]' "the run went on"
stop_server "$WORK/err.pid" "$PORT"
pass "nbd: EIO from the server counted as errors"

# Paused server: requests hang for 2 s -> one stall of 2 s.
PORT=$(free_port)
CTL="$WORK/pause.ctl"
start_server pause "$PORT" --filter=pause memory size=256M pause-control="$CTL"
cat >"$WORK/pause.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"p"); assert s.recv(1) == b"P"
time.sleep(float(sys.argv[2]))
s.sendall(b"r"); assert s.recv(1) == b"R"
PY
cat >"$WORK/pause.toml" <<TOML
[run]
name = "nbd-pause"
duration = "5s"
interval = "250ms"
[backend]
kind = "nbd"
url = "nbd://127.0.0.1:$PORT"
[images]
size = "128MiB"
[workload]
profile = "randrw"
[[fault]]
at = "1500ms"
action = "command"
command = ["python3", "$WORK/pause.py", "$CTL", "2"]
TOML
expect_exit 0 "$HB" run "$WORK/pause.toml" --out "$WORK/pause" -q
R="$WORK/pause/results.json"
echo "pause 2 s: stalls $(json_get "$R" '[round(s["duration_s"], 3) for s in r["stalls"]]')"
json_check "$R" 'len(r["stalls"]) == 1 and abs(r["stalls"][0]["duration_s"] - 2.0) <= 0.2' "one stall of 2.0 +- 0.2 s"
json_check "$R" "$no_errors" "a pause is no error"
stop_server "$WORK/pause.pid" "$PORT"
pass "nbd: a 2 s pause is a 2 s stall"

# Server killed and restarted 1.5 s later on the same port: the queue reconnects and resends.
PORT=$(free_port)
start_server first "$PORT" memory size=256M
cat >"$WORK/reconnect.toml" <<TOML
[run]
name = "nbd-reconnect"
duration = "6s"
interval = "250ms"
[backend]
kind = "nbd"
url = "nbd://127.0.0.1:$PORT"
[images]
size = "128MiB"
[workload]
profile = "randrw"
[[fault]]
at = "1500ms"
action = "command"
command = ["sh", "-c", "kill \$(cat $WORK/first.pid); while kill -0 \$(cat $WORK/first.pid) 2>/dev/null; do sleep 0.01; done"]
[[fault]]
after = "1500ms"
action = "command"
command = ["sh", "-c", "nbdkit -P $WORK/second.pid -p $PORT -i 127.0.0.1 memory size=256M </dev/null >/dev/null 2>&1"]
TOML
on_exit "stop_server '$WORK/second.pid'"
start=$(date +%s.%N)
expect_exit 0 "$HB" run "$WORK/reconnect.toml" --out "$WORK/reconnect" -q
took=$(python3 -c "print($(date +%s.%N) - $start)")
python3 -c "import sys; sys.exit(0 if $took < 12 else 1)" || fail "the run hung: ${took}s"
expect_contains "$ERR" "reconnected to nbd://127.0.0.1:$PORT" "reconnect reported"
R="$WORK/reconnect/results.json"
restart=$(json_get "$R" '[e for e in r["events"] if e["kind"] == "fault"][1]["end_s"]')
echo "kill + restart after 1.5 s: stalls $(json_get "$R" '[round(s["duration_s"], 3) for s in r["stalls"]]'), restart at ${restart}s"
json_check "$R" 'len(r["stalls"]) == 1 and 1.4 <= r["stalls"][0]["duration_s"] <= 2.5' "one stall of about 1.5 s"
json_check "$R" "$no_errors" "requests resent, not failed"
python3 - "$WORK/reconnect/timeseries.csv" "$restart" <<'PY' || fail "no I/O after the restart"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if float(r["t_s"]) > float(sys.argv[2]) + 0.5]
assert len(rows) >= 4 and all(float(r["read_iops"]) > 0 for r in rows[:-1]), rows
PY
stop_server "$WORK/first.pid"
stop_server "$WORK/second.pid" "$PORT"
pass "nbd: kill and restart -> reconnect, a stall, I/O resumes"
