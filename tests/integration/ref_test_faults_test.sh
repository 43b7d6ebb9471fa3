#!/usr/bin/env bash
# The reference node's test fault modes end to end: a real `healbench node` per mode, driven
# through the frame protocol by ref_node_client.py, must store, serve and count exactly what
# the mode says (status JSON and the "test-faults:" line on SIGTERM); bad modes exit 2; and
# backend.test_faults reaches a spawned node of `healbench run`, whose dropped writes are
# exactly every Nth of the writes the run made.
source "$(dirname "$0")/lib.sh"

client() { python3 "$SRC/tests/integration/ref_node_client.py" "$@"; }
IMG=(vm-0 1048576)

# start_node NAME MODE...: a node with those --test-fault modes; sets PORT and PID_<NAME>.
start_node() {
  local name="$1"; shift
  local args=()
  for m in "$@"; do args+=(--test-fault "$m"); done
  mkdir -p "$WORK/$name"
  "$HB" node --listen 127.0.0.1:0 --dir "$WORK/$name" "${args[@]}" \
    >"$WORK/$name.out" 2>"$WORK/$name.err" &
  local pid=$!
  on_exit "kill -CONT $pid 2>/dev/null; kill $pid 2>/dev/null"
  for _ in $(seq 50); do grep -q listening "$WORK/$name.out" && break; sleep 0.1; done
  PORT=$(sed -n 's/^listening 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/$name.out")
  [ -n "$PORT" ] || fail "node $name printed no port line: $(cat "$WORK/$name.err")"
  printf -v "PID_$name" %s "$pid"
}
# stop_node NAME: SIGTERM, clean exit, and its stderr's test-faults line in LINE.
stop_node() {
  local pid_var="PID_$1"
  kill "${!pid_var}"
  wait "${!pid_var}" || fail "node $1 exited non-zero on SIGTERM: $(cat "$WORK/$1.err")"
  LINE="$(grep '^test-faults:' "$WORK/$1.err" || true)"
}
# faults ADDR: the image's test_faults object from the status JSON, as compact JSON.
faults() {
  client "$1" "${IMG[@]}" status |
    python3 -c 'import json,sys; i=json.load(sys.stdin)["images"][0]; print(json.dumps(i["test_faults"], sort_keys=True))'
}
expect_eq() { [ "$1" = "$2" ] || fail "$3: got \"$1\", want \"$2\""; }

# ack-drop:every=3 — writes 3, 6 and 9 of nine 4 KiB writes are acknowledged, not stored.
start_node drop ack-drop:every=3
A="127.0.0.1:$PORT"
ops=()
for i in $(seq 0 8); do ops+=("w:$((i * 4096)):4096:ab"); done
OUT="$(client "$A" "${IMG[@]}" "${ops[@]}" r:0:12288)"
expect_contains "$OUT" "r:0:12288 -> ab*8192 00*4096" "third write dropped, first two stored"
[ "$(grep -c ' -> ok$' <<<"$OUT")" = 9 ] || fail "every write acknowledged: $OUT"
expect_eq "$(faults "$A")" \
  '{"diverged_sectors": 0, "dropped_sectors": 3, "dropped_writes": 3, "stale_sectors_now": 0, "stale_sectors_served": 0}' \
  "ack-drop status counters"
client "$A" "${IMG[@]}" w:8192:4096:cd >/dev/null  # write 10: stored, ends sector 2's drop
expect_eq "$(faults "$A" | python3 -c 'import json,sys; print(json.load(sys.stdin)["dropped_sectors"])')" 2 \
  "a stored guest write over a dropped sector"
stop_node drop
expect_eq "$LINE" "test-faults: image=vm-0 dropped_sectors=2 dropped_writes=3 diverged_sectors=0 stale_sectors_now=0 stale_sectors_served=0" \
  "ack-drop stderr line"
pass "ack-drop:every=3: 3 of 9 writes acknowledged and dropped, counted per sector"

# diverge:every=2 — every second write is stored with byte 2048 of each sector flipped.
start_node div diverge:every=2
D="127.0.0.1:$PORT"
OUT="$(client "$D" "${IMG[@]}" w:0:8192:5a w:8192:8192:5a r:0:16384 r:8192:4096:inspect)"
expect_contains "$OUT" "r:0:16384 -> 5a*10240 a5*1 5a*4095 a5*1 5a*2047" "byte 2048 of sectors 2 and 3 flipped"
expect_eq "$(faults "$D")" \
  '{"diverged_sectors": 2, "dropped_sectors": 0, "dropped_writes": 0, "stale_sectors_now": 0, "stale_sectors_served": 0}' \
  "diverge status counters"
stop_node div
expect_eq "$LINE" "test-faults: image=vm-0 dropped_sectors=0 dropped_writes=0 diverged_sectors=2 stale_sectors_now=0 stale_sectors_served=0" \
  "diverge stderr line"
pass "diverge:every=2: the second write is stored corrupted, 2 sectors counted"

# stale-after-heal — a heal write is stored, but reads return the pre-heal data until a
# guest write covers the sector; inspection reads see it too but are not counted.
start_node stale stale-after-heal
S="127.0.0.1:$PORT"
OUT="$(client "$S" "${IMG[@]}" w:0:8192:aa w:0:8192:bb:heal r:0:8192 r:0:8192:inspect \
  w:0:4096:cc r:0:8192 sum:0:65536)"
expect_contains "$OUT" "w:0:8192:bb:heal -> ok" "heal write acknowledged"
expect_contains "$OUT" "r:0:8192 -> aa*8192" "pre-heal content served"
expect_contains "$OUT" "r:0:8192:inspect -> aa*8192" "inspection read sees the same"
expect_contains "$OUT" "r:0:8192 -> cc*4096 aa*4096" "a guest write ends sector 0's staleness"
expect_contains "$OUT" "sum:0:65536 -> chunk=65536 " "CHECKSUM answers one sum per 64 KiB"
expect_eq "$(faults "$S")" \
  '{"diverged_sectors": 0, "dropped_sectors": 0, "dropped_writes": 0, "stale_sectors_now": 1, "stale_sectors_served": 3}' \
  "stale-after-heal status counters"
stop_node stale
expect_eq "$LINE" "test-faults: image=vm-0 dropped_sectors=0 dropped_writes=0 diverged_sectors=0 stale_sectors_now=1 stale_sectors_served=3" \
  "stale-after-heal stderr line"
[ -z "$(ls -A "$WORK/stale" | grep -v '^vm-0\.\(img\|pending\)$' || true)" ] ||
  fail "the node left files beside its image: $(ls -A "$WORK/stale")"
pass "stale-after-heal: pre-heal data served until a guest write, inspection reads not counted"

# A node without test faults has no test_faults in its status and prints no line.
start_node plain
P="127.0.0.1:$PORT"
client "$P" "${IMG[@]}" w:0:4096:11 status | grep -q test_faults && fail "test_faults in a plain node's status"
stop_node plain
[ -z "$LINE" ] || fail "a plain node printed \"$LINE\""
pass "no test fault modes: no counters"

# Bad modes: exit 2 naming the mode.
mkdir -p "$WORK/bad"
expect_exit 2 "$HB" node --dir "$WORK/bad" --test-fault ack-drop:every=0
expect_contains "$ERR" 'test fault "ack-drop:every=0": N must be' "bad N named"
expect_exit 2 "$HB" node --dir "$WORK/bad" --test-fault lose-all
expect_contains "$ERR" 'unknown mode "lose-all"' "unknown mode named"
expect_exit 2 "$HB" node --dir "$WORK/bad" --test-fault diverge:every=2 --test-fault diverge:every=3
expect_contains "$ERR" "--test-fault diverge:every=3: that mode is already given" "duplicate mode"
pass "bad --test-fault values exit 2 and name the value"

# backend.test_faults reaches spawned node2 of a run: it drops exactly every 10th write.
COMMON=(--set backend.kind=ref --set images.size=16MiB --set workload.profile=randwrite
        --set workload.iodepth=4)
expect_exit 0 "$HB" run "${COMMON[@]}" --set run.duration=2s \
  --set 'backend.test_faults=["node2=ack-drop:every=10"]' --out "$WORK/run" -q
RUN_ERR="$ERR"
WRITES=$(json_get "$WORK/run/results.json" 'r["totals"]["write"]["ios"]')
json_check "$WORK/run/results.json" 'r["totals"]["write"]["errors"] == 0' "no write errors"
LINE="$( (echo "$RUN_ERR"; find "$WORK/run" -name 'node2*.log' -exec cat {} +) | grep '^test-faults:' || true)"
[ -n "$LINE" ] || fail "no test-faults line from node2 (stderr or OUT/**/node2*.log): $RUN_ERR"
[ "$(wc -l <<<"$LINE")" = 1 ] || fail "one node with test faults, one image: one line, got: $LINE"
expect_contains "$LINE" "test-faults: image=vm-0 " "node2's line names the image"
expect_contains "$LINE" " dropped_writes=$((WRITES / 10)) " "node2 dropped every 10th of $WRITES writes"
echo "run: $WRITES writes, node2: $LINE"
pass "backend.test_faults: node2 dropped exactly every 10th guest write"

# Scenario errors: exit 2 naming the key and the value.
expect_exit 2 "$HB" run "${COMMON[@]}" --set 'backend.test_faults=["node3=ack-drop:every=10"]' --out "$WORK/bad1" -q
expect_contains "$ERR" 'backend.test_faults' "key named"
expect_contains "$ERR" 'not "node3"' "node out of range named"
expect_exit 2 "$HB" run "${COMMON[@]}" --set 'backend.test_faults=["node1=sometimes"]' --out "$WORK/bad2" -q
expect_contains "$ERR" 'unknown mode "sometimes"' "unknown mode named"
expect_exit 2 "$HB" run "${COMMON[@]}" --set 'backend.nodes=["127.0.0.1:1", "127.0.0.1:2"]' \
  --set 'backend.test_faults=["node1=ack-drop:every=5"]' --out "$WORK/bad3" -q
expect_contains "$ERR" 'together with backend.nodes' "external nodes refused"
pass "bad backend.test_faults values exit 2 naming the key"
