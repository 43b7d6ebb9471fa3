#!/usr/bin/env bash
# heal_algorithm = "diff" on two real external nodes: node2 is frozen past ping_timeout while
# a slow random writer touches a few 64 KiB chunks of a 64 MiB image; the diff heal must
# copy only those chunks (far less than the image) and leave the two image files
# byte-identical, while "full" in the same scenario copies the whole image.
source "$(dirname "$0")/lib.sh"

SIZE=$((64 << 20))

# run_with ALGORITHM: two fresh nodes, a 12 s run with node2 frozen from 2 s to 5 s; sets
# HEALED (bytes the heal copied), RUN_ERR and DIR (the nodes' directories).
run_with() {
  DIR="$WORK/$1"
  local pids=() addrs=()
  for n in node1 node2; do
    mkdir -p "$DIR/$n"
    "$HB" node --listen 127.0.0.1:0 --dir "$DIR/$n" >"$DIR/$n.out" 2>"$DIR/$n.err" &
    pids+=($!)
    on_exit "kill -CONT $! 2>/dev/null; kill $! 2>/dev/null"
    for _ in $(seq 50); do grep -qs listening "$DIR/$n.out" && break; sleep 0.1; done
    addrs+=("\"$(sed -n 's/^listening //p' "$DIR/$n.out")\"")
  done
  "$HB" run --set backend.kind=ref --set "backend.nodes=[${addrs[0]}, ${addrs[1]}]" \
    --set backend.ping_timeout=1s --set backend.heal_lock=range \
    --set "backend.heal_algorithm=$1" --set images.size=64MiB \
    --set workload.profile=randwrite --set workload.rate_iops=50 \
    --set run.duration=12s --out "$DIR/out" -q >"$DIR/run.out" 2>"$DIR/run.err" &
  local run=$!
  on_exit "kill $run 2>/dev/null"
  sleep 2
  kill -STOP "${pids[1]}"
  sleep 3
  kill -CONT "${pids[1]}"
  wait "$run" || { cat "$DIR/run.err" >&2; fail "$1 run failed"; }
  RUN_ERR="$(cat "$DIR/run.err")"
  expect_contains "$RUN_ERR" "ref: node2 dropped" "$1: node2 dropped while frozen"
  HEALED=$(sed -n 's/^ref: node2 healed: \([0-9]*\) bytes.*/\1/p' <<<"$RUN_ERR")
  [ -n "$HEALED" ] || { echo "$RUN_ERR" >&2; fail "$1: no \"node2 healed\" line"; }
  for i in 0 1; do
    kill "${pids[$i]}"
    wait "${pids[$i]}" || fail "$1: node$((i + 1)) exited non-zero on SIGTERM"
  done
}

run_with diff
grep '^ref:' <<<"$RUN_ERR" || true
expect_contains "$RUN_ERR" "ref: node2 diff heal compared $SIZE bytes by 64 KiB chunk checksums" \
  "diff compared the whole image"
WRITES=$(json_get "$DIR/out/results.json" 'r["totals"]["write"]["ios"]')
[ "$HEALED" -gt 0 ] || fail "diff heal copied nothing though writes went to node1 alone"
[ "$HEALED" -lt $((SIZE / 4)) ] || fail "diff heal copied $HEALED of $SIZE bytes: not mostly-identical?"
[ $((HEALED % 65536)) = 0 ] || fail "diff heal copies whole 64 KiB chunks, copied $HEALED bytes"
cmp "$DIR/node1/vm-0.img" "$DIR/node2/vm-0.img" || fail "replicas differ after the diff heal"
DIFF_HEALED=$HEALED
echo "diff: $WRITES writes in the run, healed $HEALED of $SIZE bytes"
pass "diff heal copied $HEALED bytes ($((HEALED * 100 / SIZE))% of the image); replicas identical"

run_with full
[ "$HEALED" = "$SIZE" ] || fail "full heal copied $HEALED bytes, want the whole image ($SIZE)"
cmp "$DIR/node1/vm-0.img" "$DIR/node2/vm-0.img" || fail "replicas differ after the full heal"
echo "full: healed $HEALED bytes; diff/full = $(python3 -c "print(f'{$DIFF_HEALED / $HEALED:.3f}')")"
pass "full heal copies the whole image; diff copied less"
