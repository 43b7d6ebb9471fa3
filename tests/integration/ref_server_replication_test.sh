#!/usr/bin/env bash
# Server replication (DRBD-like) on real node processes: (1) the secondary frozen and thawed
# goes degraded → healing → in_sync on the ref probe with no stall during the resync; (2) a
# frozen primary with an up-to-date secondary fails over after about ping_timeout; (3) a
# failover to a secondary that is mid-resync is refused and reported, I/O fails until the
# primary is back; (4) the resync costs what is dirty, not the image size (1 GiB vs 20 GiB);
# (5) vm-mixed with verify through a failover loses nothing; a static --peer pair works.
source "$(dirname "$0")/lib.sh"

COMMON=(--set backend.kind=ref --set backend.replication=server --set workload.profile=randwrite
        --set workload.iodepth=8 --set run.interval=250ms --set probe.kind=ref
        --set probe.interval=100ms --set run.seed=7)
faults() {  # faults FILE (ACTION NODE AT)...: a scenario with those [[fault]] steps
  local f="$1"; shift
  : >"$f"
  while [ $# -gt 0 ]; do
    printf '[[fault]]\nat = "%s"\naction = "%s"\nnode = "%s"\n' "$3" "$1" "$2" >>"$f"
    shift 3
  done
}
states() {  # the sync states in order, repeats collapsed: "in_sync degraded healing in_sync"
  json_get "$1" '" ".join(s for i, s in enumerate(x["state"] for x in r["sync"]["samples"]) if i == 0 or s != r["sync"]["samples"][i-1]["state"])'
}

# (1) node2 (secondary) frozen 4 s, ping_timeout 2 s: the primary goes on alone after 2 s,
# then resyncs 64 MiB of dirty regions at 32 MiB/s (about 2 s) with guest writes going on.
faults "$WORK/s1.toml" freeze node2 3s thaw node2 7s
expect_exit 0 "$HB" run "$WORK/s1.toml" "${COMMON[@]}" --set backend.ping_timeout=2s \
  --set backend.resync_rate=32MiB --set images.size=64MiB --set run.duration=12s --out "$WORK/s1"
echo "$ERR" >"$WORK/s1.err"
R="$WORK/s1/results.json"
echo "(1) states: $(states "$R"); max stall $(json_get "$R" 'r["derived"]["max_stall_s"]') s," \
  "heal stall $(json_get "$R" 'r["derived"]["heal_stall_max_s"]') s," \
  "time to in sync $(json_get "$R" 'r["derived"]["time_to_in_sync_s"]') s"
[ "$(states "$R")" = "in_sync degraded healing in_sync" ] || fail "(1) sync states: $(states "$R")"
json_check "$R" '[p["name"] for p in r["phases"]] == ["baseline", "degraded", "healing", "recovered"]' "(1) phases"
json_check "$R" 'r["derived"]["heal_stall_max_s"] == 0' "(1) no stall during the resync"
json_check "$R" 'all(s["phase"] != "healing" and s["phase"] != "recovered" for s in r["stalls"])' "(1) stalls only while degraded"
json_check "$R" '1.5 <= r["derived"]["time_to_in_sync_s"] <= 3.5' "(1) 64 MiB at 32 MiB/s: in sync about 2 s after the thaw"
json_check "$R" 'sum(t["errors"] for t in r["totals"].values()) == 0' "(1) no I/O errors"
json_check "$R" 'any(s["state"] == "healing" and s["safe_to_stop"]["node1"] is False and s["safe_to_stop"]["node2"] is True for s in r["sync"]["samples"])' "(1) while resyncing, the primary is not safe to stop"
grep -q "node: resyncing 67108864 bytes" "$WORK/s1/nodes/node1.log" || fail "(1) node1 log: resync of 64 MiB"
pass "(1) secondary frozen: degraded, healing, in sync, no stall during the resync"

# (2) node1 (primary) frozen 4 s with node2 in sync: failover after ping_timeout 2 s; node1
# comes back as the secondary and is resynced.
faults "$WORK/s2.toml" freeze node1 3s thaw node1 7s
expect_exit 0 "$HB" run "$WORK/s2.toml" "${COMMON[@]}" --set backend.ping_timeout=2s \
  --set backend.resync_rate=64MiB --set images.size=64MiB --set run.duration=11s --out "$WORK/s2"
echo "$ERR" >"$WORK/s2.err"
R="$WORK/s2/results.json"
echo "(2) failover latency $(json_get "$R" 'r["derived"]["failover_latency_s"]') s; states: $(states "$R")"
json_check "$R" '1.9 <= r["derived"]["failover_latency_s"] <= 2.5' "(2) failover about ping_timeout (2 s) after the freeze"
json_check "$R" 'sum(t["errors"] for t in r["totals"].values()) == 0' "(2) no I/O errors across the failover"
expect_contains "$ERR" "ref: failover: node2 is primary now" "(2) failover line"
expect_contains "$ERR" "ref: node1 is back as secondary; node2 resyncs it" "(2) old primary returns as secondary"
[ "$(states "$R")" = "in_sync degraded healing in_sync" ] || fail "(2) sync states: $(states "$R")"
pass "(2) primary frozen: failover to the in-sync secondary after ping_timeout"

# (2b) node1 (primary) killed: its connections close at once, so the failover needs no
# timeout; no write is lost to the guest (the ops out on node1 are retried on node2).
faults "$WORK/s2b.toml" kill node1 3s
expect_exit 0 "$HB" run "$WORK/s2b.toml" "${COMMON[@]}" --set backend.ping_timeout=2s \
  --set images.size=64MiB --set run.duration=6s --out "$WORK/s2b"
echo "$ERR" >"$WORK/s2b.err"
R="$WORK/s2b/results.json"
echo "(2b) failover latency after a kill $(json_get "$R" 'r["derived"]["failover_latency_s"]') s"
expect_contains "$ERR" "ref: failover: node2 is primary now" "(2b) failover line"
json_check "$R" 'r["derived"]["failover_latency_s"] <= 2.5' "(2b) failover within ping_timeout"
json_check "$R" 'sum(t["errors"] for t in r["totals"].values()) == 0' "(2b) no I/O errors across the failover"
json_check "$R" 'r["sync"]["samples"][-1]["state"] == "degraded" and r["sync"]["samples"][-1]["safe_to_stop"]["node2"] is False' "(2b) node2 alone: degraded, not safe to stop"
pass "(2b) primary killed: failover to the in-sync secondary"

# (3) node2 frozen then thawed: a slow resync (4 MiB/s) is under way when node1 freezes; node2
# is inconsistent and refuses to become primary, the image is unavailable (I/O errors) until
# node1 thaws and serves again.
faults "$WORK/s3.toml" freeze node2 2s thaw node2 4s freeze node1 6s thaw node1 8s
expect_exit 0 "$HB" run "$WORK/s3.toml" "${COMMON[@]}" --set backend.ping_timeout=1s \
  --set backend.resync_rate=4MiB --set images.size=64MiB --set run.duration=10s --out "$WORK/s3"
echo "$ERR" >"$WORK/s3.err"
R="$WORK/s3/results.json"
echo "$ERR" | grep '^ref: image unavailable' || true
expect_contains "$ERR" "node2 refused to become primary: inconsistent:" "(3) refusal reported"
expect_contains "$ERR" "ref: image unavailable" "(3) image reported unavailable"
expect_contains "$ERR" "ref: node1 is back and primary again; I/O resumes" "(3) node1 serves again"
grep -q "refusing to become primary" "$WORK/s3/nodes/node2.log" || fail "(3) node2 itself refused"
json_check "$R" 'r["totals"]["write"]["errors"] > 0' "(3) writes failed while the image was unavailable"
json_check "$R" 'any(s["state"] == "degraded" and not any(s["safe_to_stop"].values()) for s in r["sync"]["samples"])' "(3) unavailable: no node safe to stop"
pass "(3) failover to an inconsistent secondary refused, I/O errors, primary back"

# (4) Same dirty amount (writes at 50 IOPS while node2 is frozen for 2 s), a 1 GiB and a
# 20 GiB sparse image: resync durations within a small factor.
faults "$WORK/s4.toml" freeze node2 1s thaw node2 3s
resync_s() {  # bytes and seconds of the resync from node1's log
  sed -n 's/.*in sync (\([0-9]*\) bytes resynced in \([0-9.]*\) s)/\1 \2/p' "$1" |
    awk '$1 > 0 {b=$1; s=$2} END {print b, s}'
}
for size in 1GiB 20GiB; do
  expect_exit 0 "$HB" run "$WORK/s4.toml" "${COMMON[@]}" --set backend.ping_timeout=1s \
    --set backend.resync_rate=0 --set workload.rate_iops=50 --set images.size=$size \
    --set run.duration=6s --out "$WORK/s4-$size"
  echo "$ERR" >"$WORK/s4-$size.err"
  read -r BYTES SECS < <(resync_s "$WORK/s4-$size/nodes/node1.log")
  [ -n "${SECS:-}" ] || fail "(4) $size: no resync in node1's log"
  echo "(4) $size image: resynced $BYTES bytes in $SECS s"
  eval "BYTES_$size=$BYTES SECS_$size=$SECS"
done
python3 - "$BYTES_1GiB" "$SECS_1GiB" "$BYTES_20GiB" "$SECS_20GiB" <<'PY' || fail "(4) resync cost follows dirty data"
import sys
b1, s1, b20, s20 = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
print(f"(4) dirty ratio 20GiB/1GiB = {b20 / b1:.2f}, resync time ratio = {s20 / max(s1, 1e-3):.2f}")
assert b20 <= 2 * b1, "dirty amounts should be comparable"
assert b20 < 1024 << 20, "the 20 GiB resync copied more than 1 GiB: not dirty-only"
assert s20 <= 4 * max(s1, 0.05), "resync time should follow dirty bytes, not image size"
full_copy_s = (20 << 30) / (b1 / max(s1, 1e-3))  # the whole 20 GiB at the 1 GiB run's speed
print(f"(4) a full 20 GiB copy would take about {full_copy_s:.0f} s")
assert s20 < full_copy_s / 10, "the 20 GiB resync took too long for a dirty-only copy"
PY
pass "(4) resync follows dirty data, not image size"

# (5) The shipped scenario: vm-mixed reads, writes and flushes with verify through a primary
# freeze, failover, the old primary's return and resync; every acknowledged write is read back
# and both replicas hold the same blocks.
expect_exit 0 "$HB" run "$SRC/scenarios/ref-server-failover.toml" --set run.duration=14s \
  --out "$WORK/s5"
echo "$ERR" >"$WORK/s5.err"
R="$WORK/s5/results.json"
echo "(5) $(json_get "$R" 'r["integrity"]["checked_blocks"]') blocks checked," \
  "lost $(json_get "$R" 'r["integrity"]["lost_writes"]'), diverged $(json_get "$R" 'r["integrity"]["diverged_blocks"]')"
json_check "$R" 'r["integrity"]["checked_blocks"] > 0 and r["integrity"]["lost_writes"] == 0' "(5) no acknowledged write lost across failover and resync"
json_check "$R" 'r["integrity"]["diverged_blocks"] == 0 and len(r["integrity"]["replicas"]) == 2' "(5) both replicas agree after the resync"
json_check "$R" 'all(r["totals"][op]["ios"] > 0 and r["totals"][op]["errors"] == 0 for op in ("read", "write", "flush"))' "(5) reads, writes and flushes, no errors"
expect_contains "$ERR" "ref: failover: node2 is primary now" "(5) failover"
pass "(5) vm-mixed with verify: nothing lost, replicas agree"

# Every node the runs spawned is gone (by pid: other tests may run nodes meanwhile).
for d in s1 s2 s2b s3 s4-1GiB s4-20GiB s5; do
  pids=$(sed -n 's/^ref: node[0-9] pid \([0-9]*\) .*/\1/p' "$WORK/$d.err")
  [ "$(wc -w <<<"$pids")" = 2 ] || fail "run $d: expected two node pid lines, got: $pids"
  for pid in $pids; do
    kill -0 "$pid" 2>/dev/null && fail "node pid $pid of run $d still running"
  done
done

# A static pair without a ref client: `healbench node --peer` starts as primary and
# replicates to a plain node; SIGTERM stops both and frees their ports.
mkdir -p "$WORK/pa" "$WORK/pb"
"$HB" node --listen 127.0.0.1:0 --dir "$WORK/pb" >"$WORK/pb.log" 2>&1 &
PB=$!
on_exit "kill -CONT $PB 2>/dev/null; kill $PB 2>/dev/null"
for _ in $(seq 50); do grep -q listening "$WORK/pb.log" && break; sleep 0.1; done
PORT_B=$(sed -n 's/^listening 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/pb.log")
[ -n "$PORT_B" ] || fail "static secondary printed no port"
expect_exit 2 "$HB" node --listen 127.0.0.1:0 --dir "$WORK/pa" --peer nowhere
expect_contains "$ERR" "--peer: address \"nowhere\": expected HOST:PORT" "bad --peer named"
"$HB" node --listen 127.0.0.1:0 --dir "$WORK/pa" --peer "127.0.0.1:$PORT_B" >"$WORK/pa.log" 2>&1 &
PA=$!
on_exit "kill -CONT $PA 2>/dev/null; kill $PA 2>/dev/null"
for _ in $(seq 50); do grep -q "in sync" "$WORK/pa.log" && break; sleep 0.1; done
grep -q "node: secondary 127.0.0.1:$PORT_B in sync" "$WORK/pa.log" ||
  fail "static primary did not reach its secondary: $(cat "$WORK/pa.log")"
PORT_A=$(sed -n 's/^listening 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/pa.log")
kill "$PA" "$PB"
wait "$PA" || fail "static primary exited non-zero on SIGTERM"
wait "$PB" || fail "static secondary exited non-zero on SIGTERM"
for p in "$PORT_A" "$PORT_B"; do listening "$p" && fail "port $p still has a listener"; done
pass "static pair with --peer"
pass "server replication"
