#!/usr/bin/env bash
# Spawned reference nodes faulted by name with no [nodes] section, client replication, the
# ref probe as ground truth: a partition longer than ping_timeout P stalls the guest for
# about P; a disconnect is noticed at once (stall well below P); a kill then restart brings
# the node back on its data. Each time the client heals it and the probe says in_sync. Node
# data and logs live under OUT/nodes; images are removed when the run ends (kept with
# backend.keep_data), also on Ctrl-C; no node process is left behind.
source "$(dirname "$0")/lib.sh"

COMMON=(--set backend.kind=ref --set backend.replication=client --set backend.heal_lock=range
        --set images.size=64MiB --set workload.profile=randwrite --set probe.kind=ref
        --set probe.interval=100ms)

# node_procs OUT: pids of node processes of this healbench binary serving OUT/nodes.
node_procs() {
  local pid
  for pid in $(pgrep -f -- "node --listen .* --dir $1/nodes/" || true); do
    [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$HB")" ] && echo "$pid"
  done
  return 0
}
# after_run OUT: nodes gone, logs kept, images removed (unless $2 = keep).
after_run() {
  local out="$1" n
  [ -z "$(node_procs "$out")" ] || fail "node processes left after the run: $(node_procs "$out")"
  for n in node1 node2; do
    grep -q '^listening 127.0.0.1:' "$out/nodes/$n.log" || fail "$out/nodes/$n.log has no port line"
  done
  if [ "${2:-}" = keep ]; then
    ls "$out"/nodes/node1/*.img >/dev/null || fail "keep_data: images were removed"
  elif [ -n "$(find "$out/nodes" -name '*.img' 2>/dev/null)" ]; then
    fail "images left under $out/nodes: $(find "$out/nodes" -name '*.img')"
  fi
}
# scenario FILE FAULT-TOML: a run of 14 s with these [[fault]] steps.
scenario() {
  { printf '[run]\nname = "spawned"\nduration = "14s"\ninterval = "250ms"\n'; printf '%s\n' "$2"; } >"$1"
}
# t_of R KIND ACTION: time of the first such event.
t_of() { json_get "$1" "[e['t_s'] for e in r['events'] if e['kind'] == '$2' and e['action'] == '$3'][0]"; }

# --- Partition node2 for 3 s with ping_timeout 2 s: a stall of about 2 s (±10%).
scenario "$WORK/partition.toml" '
[[fault]]
at = "3s"
action = "partition"
node = "node2"
[[fault]]
after = "3s"
action = "heal_partition"
node = "node2"
[[fault]]
wait_until = "in_sync"
timeout = "20s"'
expect_exit 0 "$HB" run "$WORK/partition.toml" "${COMMON[@]}" --set backend.ping_timeout=2s \
  --out "$WORK/partition" -q
R="$WORK/partition/results.json"
echo "partition: max stall $(json_get "$R" 'r["derived"]["max_stall_s"]') s, time to in sync $(json_get "$R" 'r["derived"]["time_to_in_sync_s"]') s"
json_check "$R" '1.8 <= r["derived"]["max_stall_s"] <= 2.2' "a 3 s partition with ping_timeout 2 s stalls about 2 s"
json_check "$R" 'all(e["ok"] for e in r["events"] if e["kind"] in ("fault", "wait"))' "every fault step and wait succeeded"
json_check "$R" 'r["totals"]["write"]["errors"] == 0' "no write errors"
json_check "$R" 'r["sync"]["samples"][-1]["state"] == "in_sync"' "in sync at the end"
json_check "$R" 'r["derived"]["time_to_in_sync_s"] is not None' "time to in sync measured"
expect_contains "$ERR" "ref: node2 dropped: no reply within ping_timeout 2s" "node2 dropped by timeout"
expect_contains "$ERR" "healbench: node2 reached through fault proxy" "node2 behind a proxy"
after_run "$WORK/partition"
pass "partition: stall of about ping_timeout, healed, in sync, cleaned up"

# --- Disconnect node2 (connections reset, new ones refused) with ping_timeout 5 s: the
# client drops it at once, stays degraded until the reconnect, then heals.
scenario "$WORK/disconnect.toml" '
[[fault]]
at = "3s"
action = "disconnect"
node = "node2"
[[fault]]
after = "3s"
action = "reconnect"
node = "node2"
[[fault]]
wait_until = "in_sync"
timeout = "20s"'
expect_exit 0 "$HB" run "$WORK/disconnect.toml" "${COMMON[@]}" --set backend.ping_timeout=5s \
  --out "$WORK/disconnect" -q
R="$WORK/disconnect/results.json"
echo "disconnect: max stall $(json_get "$R" 'r["derived"]["max_stall_s"]') s, time to in sync $(json_get "$R" 'r["derived"]["time_to_in_sync_s"]') s"
json_check "$R" '(r["derived"]["max_stall_s"] or 0) < 1.0' "a disconnect is noticed well before ping_timeout 5 s"
json_check "$R" 'all(e["ok"] for e in r["events"] if e["kind"] in ("fault", "wait"))' "every fault step and wait succeeded"
json_check "$R" 'r["totals"]["write"]["errors"] == 0' "no write errors"
T0=$(t_of "$R" fault disconnect)
T1=$(t_of "$R" fault reconnect)
json_check "$R" "all(s['state'] == 'degraded' for s in r['sync']['samples'] if $T0 + 0.3 < s['t_s'] < $T1)" "degraded (no reconnect got through) while disconnected"
json_check "$R" "any(s['state'] == 'degraded' for s in r['sync']['samples'] if $T0 < s['t_s'] < $T1)" "the probe saw node2 gone"
json_check "$R" 'r["sync"]["samples"][-1]["state"] == "in_sync"' "in sync at the end"
expect_contains "$ERR" "ref: node2 dropped: connection lost" "node2 dropped on reset"
expect_contains "$ERR" "ref: node2 reconnected; healing" "node2 reconnected"
after_run "$WORK/disconnect"
pass "disconnect: dropped at once, degraded until reconnect, healed, in sync"

# --- Kill node2, restart it on its data dir: healed, in sync, and with keep_data the two
# replicas' images are identical afterwards.
scenario "$WORK/restart.toml" '
[[fault]]
at = "3s"
action = "kill"
node = "node2"
[[fault]]
after = "2s"
action = "restart"
node = "node2"
[[fault]]
wait_until = "in_sync"
timeout = "20s"'
expect_exit 0 "$HB" run "$WORK/restart.toml" "${COMMON[@]}" --set backend.ping_timeout=5s \
  --set backend.keep_data=true --out "$WORK/restart" -q
R="$WORK/restart/results.json"
echo "restart: max stall $(json_get "$R" 'r["derived"]["max_stall_s"]') s, time to in sync $(json_get "$R" 'r["derived"]["time_to_in_sync_s"]') s"
json_check "$R" 'all(e["ok"] for e in r["events"] if e["kind"] in ("fault", "wait"))' "every fault step and wait succeeded"
json_check "$R" '"restarted, pid" in [e for e in r["events"] if e["action"] == "restart"][0]["detail"]' "restart event says what ran"
json_check "$R" 'r["sync"]["samples"][-1]["state"] == "in_sync"' "in sync at the end"
json_check "$R" 'r["totals"]["write"]["errors"] == 0' "no write errors"
expect_contains "$ERR" "ref: node2 restarted" "node2 respawned"
expect_contains "$ERR" "ref: node2 healed:" "node2 healed"
[ "$(grep -c '^listening' "$WORK/restart/nodes/node2.log")" = 2 ] || fail "node2.log should show two starts"
after_run "$WORK/restart" keep
cmp "$WORK/restart/nodes/node1/vm-0.img" "$WORK/restart/nodes/node2/vm-0.img" ||
  fail "replicas differ after the restart and heal"
pass "kill + restart: respawned on its data, healed, replicas identical"

# --- Ctrl-C (SIGINT to healbench) mid-run: results written, nodes stopped, images removed.
"$HB" run "$WORK/partition.toml" "${COMMON[@]}" --set run.duration=60s --out "$WORK/int" -q \
  >"$WORK/int.out" 2>"$WORK/int.err" &
RUN=$!
on_exit "kill $RUN 2>/dev/null"
for _ in $(seq 100); do grep -Eq '"action": ?"start"' "$WORK/int/events.jsonl" 2>/dev/null && break; sleep 0.1; done
[ -n "$(node_procs "$WORK/int")" ] || fail "no node processes seen during the run: $(cat "$WORK/int.err")"
sleep 1
kill -INT "$RUN"
for _ in $(seq 150); do kill -0 "$RUN" 2>/dev/null || break; sleep 0.1; done
kill -0 "$RUN" 2>/dev/null && fail "healbench still running 15 s after SIGINT"
wait "$RUN" || true
json_check "$WORK/int/results.json" 'r["interrupted"] is True' "results say interrupted"
after_run "$WORK/int"
pass "Ctrl-C: results written, nodes stopped, images removed, logs kept"
