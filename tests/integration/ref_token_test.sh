#!/usr/bin/env bash
# Who may talk to a reference-cluster node: nodes started with --token-file answer only clients
# that say the same secret (backend.token_file), in both replication designs and for the final
# read-back; a client without it or with another gets exit 2 naming the cause; a node refuses
# to listen beyond loopback without a token; spawned nodes get the backend's token file.
source "$(dirname "$0")/lib.sh"

echo "s3cret-$RANDOM$RANDOM" >"$WORK/token"
echo "not-the-secret" >"$WORK/other"
: >"$WORK/empty"

# start_node NAME: a node on 127.0.0.1:0 with the token; sets ADDR to its address and PIDS+=.
# (Not in a $(…) subshell: the node must be the test's own child, stopped at the end.)
PIDS=()
start_node() {
  mkdir -p "$WORK/$1"
  "$HB" node --listen 127.0.0.1:0 --dir "$WORK/$1" --token-file "$WORK/token" \
    >"$WORK/$1.out" 2>"$WORK/$1.err" &
  PIDS+=($!)
  on_exit "kill $! 2>/dev/null"
  for _ in $(seq 50); do grep -qs listening "$WORK/$1.out" && break; sleep 0.1; done
  ADDR=$(sed -n 's/^listening //p' "$WORK/$1.out")
  [ -n "$ADDR" ] || fail "node $1 with --token-file did not start: $(cat "$WORK/$1.err")"
}
start_node n1
A=$ADDR
start_node n2
B=$ADDR
NODES="backend.nodes=[\"$A\", \"$B\"]"
common=(--set backend.kind=ref --set "$NODES" --set images.size=16MiB --set run.duration=2s
        --set workload.profile=randwrite --set workload.verify=true -q)

# The right token: a clean run through both nodes, verified read-back from each.
for design in client server; do
  expect_exit 0 "$HB" run "${common[@]}" --set "backend.replication=$design" \
    --set "backend.token_file=\"$WORK/token\"" --out "$WORK/ok-$design"
  R="$WORK/ok-$design/results.json"
  json_check "$R" 'r["totals"]["write"]["ios"] > 0 and r["totals"]["write"]["errors"] == 0' "$design: writes went through"
  json_check "$R" 'r["integrity"]["lost_writes"] == 0 and r["integrity"]["checked_blocks"] > 0' "$design: read back through the token"
  pass "$design replication with the node's token: writes done, read back"
done

# No token and a wrong one: refused, exit 2, the message says why and what to set.
expect_exit 2 "$HB" run "${common[@]}" --out "$WORK/none"
expect_contains "$ERR" "refused: the node wants a token" "no token"
expect_contains "$ERR" "backend.token_file" "no token: what to set"
expect_exit 2 "$HB" run "${common[@]}" --set "backend.token_file=\"$WORK/other\"" --out "$WORK/wrong"
expect_contains "$ERR" "refused: wrong token" "wrong token"
pass "a client without the token or with another is refused (exit 2)"

# Unreadable or empty token files are bad input naming the file.
expect_exit 2 "$HB" run "${common[@]}" --set "backend.token_file=\"$WORK/missing\"" --out "$WORK/missing-out"
expect_contains "$ERR" "backend.token_file" "missing token file: the key"
expect_contains "$ERR" "$WORK/missing" "missing token file: the path"
expect_exit 2 "$HB" run "${common[@]}" --set "backend.token_file=\"$WORK/empty\"" --out "$WORK/empty-out"
expect_contains "$ERR" "is empty" "empty token file"
pass "missing or empty token file: exit 2 naming it"

# Beyond loopback only with a token.
mkdir -p "$WORK/wide"
expect_exit 2 "$HB" node --listen 0.0.0.0:0 --dir "$WORK/wide"
expect_contains "$ERR" "reaches beyond this machine" "0.0.0.0 without a token"
expect_contains "$ERR" "--token-file" "0.0.0.0 without a token: what to give"
"$HB" node --listen 0.0.0.0:0 --dir "$WORK/wide" --token-file "$WORK/token" >"$WORK/wide.out" 2>&1 &
wide=$!
on_exit "kill $wide 2>/dev/null"
for _ in $(seq 50); do grep -qs listening "$WORK/wide.out" && break; sleep 0.1; done
grep -q '^listening 0.0.0.0:' "$WORK/wide.out" || fail "node on 0.0.0.0 with a token did not listen: $(cat "$WORK/wide.out")"
kill "$wide"
pass "a node listens beyond loopback only with --token-file"

# Spawned nodes get the backend's token file: a run that spawns them works, and while it runs a
# client without the token is refused by them (OPEN_IMAGE answered with EACCES, 13).
"$HB" run --set backend.kind=ref --set images.size=16MiB --set run.duration=6s \
  --set workload.profile=randwrite --set "backend.token_file=\"$WORK/token\"" -q \
  --out "$WORK/spawned" >"$WORK/spawned.out" 2>"$WORK/spawned.err" &
run=$!
on_exit "kill $run 2>/dev/null"
for _ in $(seq 50); do grep -qs 'ref: node1 pid .* listening' "$WORK/spawned.err" && break; sleep 0.1; done
addr=$(sed -n 's/^ref: node1 pid [0-9]* listening //p' "$WORK/spawned.err")
[ -n "$addr" ] || fail "no spawned node1 address in: $(cat "$WORK/spawned.err")"
set +e
python3 "$SRC/tests/integration/ref_node_client.py" "$addr" vm-0 $((16 << 20)) status >"$WORK/plain.out" 2>&1
plain=$?
set -e
wait "$run" || fail "spawned run with a token: exit $? ($(cat "$WORK/spawned.err"))"
[ "$plain" != 0 ] && grep -q "OPEN_IMAGE vm-0: status 13" "$WORK/plain.out" ||
  fail "a spawned node answered a client without the token: $(cat "$WORK/plain.out")"
json_check "$WORK/spawned/results.json" 'r["totals"]["write"]["ios"] > 0 and r["totals"]["write"]["errors"] == 0' "spawned nodes with a token: writes"
pass "spawned nodes run with the backend's token file and refuse a client without it"

for pid in "${PIDS[@]}"; do
  kill "$pid"
  wait "$pid" || fail "node $pid exited non-zero on SIGTERM"
done
pass "the external nodes stopped on SIGTERM"
