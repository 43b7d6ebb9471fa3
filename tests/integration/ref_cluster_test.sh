#!/usr/bin/env bash
# The ref backend with client replication on real node processes: a short randwrite run
# spawns two nodes and stops them (no process or listener left); a node frozen for 4 s with
# ping_timeout 2 s is a stall of about 2 s (the client drops it), and after the thaw the
# client heals it; frozen for 3 s with ping_timeout 10 s it is a stall of the freeze's length
# (±5%) and nobody is dropped. Also `healbench node` on its own: port line, SIGTERM, port freed.
source "$(dirname "$0")/lib.sh"

listening() { [ -n "$(ss -Hltn "sport = :$1")" ]; }
alive() { kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" | cut -c1)" != Z ]; }

# healbench node alone: prints its port, stops on SIGTERM, frees the port.
mkdir -p "$WORK/n"
"$HB" node --listen 127.0.0.1:0 --dir "$WORK/n" >"$WORK/node.out" 2>"$WORK/node.err" &
NPID=$!
on_exit "kill -CONT $NPID 2>/dev/null; kill $NPID 2>/dev/null"
for _ in $(seq 50); do grep -q listening "$WORK/node.out" && break; sleep 0.1; done
PORT=$(sed -n 's/^listening 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/node.out")
[ -n "$PORT" ] || fail "node printed no port line: $(cat "$WORK/node.out" "$WORK/node.err")"
listening "$PORT" || fail "node not listening on $PORT"
kill "$NPID"
wait "$NPID" || fail "node exited non-zero on SIGTERM"
listening "$PORT" && fail "port $PORT still has a listener after the node stopped"
pass "healbench node: port line, SIGTERM, port freed"

# Spawned nodes: I/O happens, two nodes ran, both gone afterwards.
COMMON=(--set backend.kind=ref --set backend.replication=client --set backend.ping_timeout=2s
        --set images.size=64MiB --set workload.profile=randwrite)
ref_dirs() { find /var/tmp -maxdepth 1 -name 'healbench-ref.*' 2>/dev/null | sort; }
DIRS_BEFORE="$(ref_dirs)"
expect_exit 0 "$HB" run "${COMMON[@]}" --set run.duration=3s --out "$WORK/basic" -q
R="$WORK/basic/results.json"
json_check "$R" 'r["totals"]["write"]["ios"] > 100' "writes done"
json_check "$R" 'r["totals"]["write"]["errors"] == 0' "no write errors"
[ "$(grep -c '^ref: node[0-9] pid [0-9]* listening 127.0.0.1:[0-9]*$' <<<"$ERR")" = 2 ] ||
  { echo "$ERR" >&2; fail "two spawned nodes announced"; }
while read -r pid port; do
  alive "$pid" && fail "node pid $pid still running after the run"
  listening "$port" && fail "port $port still has a listener after the run"
done < <(sed -n 's/^ref: node[0-9] pid \([0-9]*\) listening 127.0.0.1:\([0-9]*\)$/\1 \2/p' <<<"$ERR")
[ "$(ref_dirs)" = "$DIRS_BEFORE" ] || fail "a /var/tmp/healbench-ref.* data directory was left behind"
echo "basic: $(json_get "$R" 'r["totals"]["write"]["ios"]') writes in 3 s"
pass "spawned 2 nodes, I/O done, nodes and listeners gone"

# Freeze node2 for 4 s with ping_timeout 2 s (P < D): a stall of about P, then a heal.
"$HB" run "${COMMON[@]}" --set run.duration=10s --out "$WORK/freeze" -q \
  >"$WORK/freeze.out" 2>"$WORK/freeze.err" &
RUN=$!
on_exit "kill $RUN 2>/dev/null"
for _ in $(seq 50); do grep -q '^ref: node2 pid' "$WORK/freeze.err" && break; sleep 0.1; done
N2=$(sed -n 's/^ref: node2 pid \([0-9]*\) .*/\1/p' "$WORK/freeze.err")
[ -n "$N2" ] || fail "no node2 pid line: $(cat "$WORK/freeze.err")"
on_exit "kill -CONT $N2 2>/dev/null"
sleep 3
kill -STOP "$N2"
sleep 4
kill -CONT "$N2"
wait "$RUN" || { cat "$WORK/freeze.err" >&2; fail "frozen-node run failed"; }
R="$WORK/freeze/results.json"
ERR="$(cat "$WORK/freeze.err")"
echo "$ERR" | grep '^ref:' || true
echo "freeze: max stall $(json_get "$R" 'r["derived"]["max_stall_s"]') s"
json_check "$R" '1.8 <= r["derived"]["max_stall_s"] <= 2.6' "a 4 s freeze with ping_timeout 2 s stalls about 2 s"
json_check "$R" 'r["totals"]["write"]["errors"] == 0' "no write errors"
expect_contains "$ERR" "ref: node2 dropped: no reply within ping_timeout 2s" "node2 dropped"
expect_contains "$ERR" "ref: node2 reconnected; healing" "node2 reconnected"
expect_contains "$ERR" "ref: node2 healed:" "node2 healed"
alive "$N2" && fail "node2 still running after the run"
pass "frozen node: stall of about ping_timeout, then healed"

# Freeze node2 for D = 3 s with ping_timeout P = 10 s > D: nobody is dropped, the guest waits
# out the freeze, so the stall is D (±5%), and no heal is needed.
cat >"$WORK/short-freeze.toml" <<'TOML'
[run]
duration = "8s"
[backend]
kind = "ref"
ping_timeout = "10s"
[images]
size = "64MiB"
[workload]
profile = "randwrite"
[[fault]]
at = "2s"
action = "freeze"
node = "node2"
[[fault]]
after = "3s"
action = "thaw"
node = "node2"
TOML
expect_exit 0 "$HB" run "$WORK/short-freeze.toml" --out "$WORK/short" -q
R="$WORK/short/results.json"
echo "short freeze: max stall $(json_get "$R" 'r["derived"]["max_stall_s"]') s"
json_check "$R" '2.85 <= r["derived"]["max_stall_s"] <= 3.15' "a 3 s freeze under a 10 s ping_timeout stalls 3 s (±5%)"
json_check "$R" 'r["totals"]["write"]["errors"] == 0' "no write errors"
case "$ERR" in *"node2 dropped"*) fail "node2 was dropped although the freeze was shorter than ping_timeout";; esac
pass "freeze shorter than ping_timeout: stall of the freeze's length, nobody dropped"
