#!/usr/bin/env bash
# The proxy and netfilter injectors against a real NBD server (nbdkit) on loopback:
# a blackhole (proxy partition) of D seconds and an nftables drop of D seconds are each a
# stall of D at the client; a proxy reset is recorded and the client reconnects instead of
# hanging; Ctrl-C during a blackhole leaves no proxy listener and no firewall table behind.
source "$(dirname "$0")/lib.sh"
command -v nbdkit >/dev/null || { echo "skip: nbdkit not installed"; exit 0; }
"$HB" backends | grep -q '^nbd *available' || { echo "skip: healbench built without the nbd backend"; exit 0; }

PORT=$(free_port)
LISTEN=$(free_port)
start_server mem "$PORT" memory size=256M

cat >"$WORK/proxy.toml" <<TOML
[run]
name = "proxy-blackhole"
duration = "7s"
interval = "250ms"
[backend]
kind = "nbd"
url = "nbd://127.0.0.1:$LISTEN"
[images]
size = "64MiB"
[workload]
profile = "randrw"
iodepth = 8
[nodes.nbd1]
injector = "proxy"
listen = "127.0.0.1:$LISTEN"
upstream = "127.0.0.1:$PORT"
[[fault]]
at = "2s"
action = "partition"
node = "nbd1"
[[fault]]
after = "2s"
action = "heal_partition"
node = "nbd1"
TOML
expect_exit 0 "$HB" run "$WORK/proxy.toml" --out "$WORK/bh" -q
R="$WORK/bh/results.json"
echo "blackhole 2 s: max stall $(json_get "$R" 'r["derived"]["max_stall_s"]') s"
json_check "$R" '1.85 <= r["derived"]["max_stall_s"] <= 2.4' "a 2 s blackhole is a 2 s stall"
json_check "$R" '[p["name"] for p in r["phases"]] == ["baseline", "degraded", "recovered"]' "phases"
json_check "$R" 'r["totals"]["read"]["errors"] + r["totals"]["write"]["errors"] == 0' "no errors: the data was held, not lost"
listening "$LISTEN" && fail "proxy still listening on $LISTEN after the run"
pass "proxy blackhole: stall of its length"

# Reset: connections are cut; the client reconnects, the run goes on and ends on time.
# nbdkit 1.32 (Debian 12) may abort ("raw_send_socket: Assertion `sock >= 0'") when a
# connection is reset while it writes a reply; a supervisor restarts it so the client's
# reconnect is what is tested, and the log says when nbdkit's bug struck.
PORT2=$(free_port)
( while [ ! -e "$WORK/stop-respawn" ]; do
    nbdkit -f -p "$PORT2" -i 127.0.0.1 memory size=256M </dev/null >>"$WORK/respawn.log" 2>&1
    sleep 0.1
  done ) &
RESPAWN=$!
on_exit "touch '$WORK/stop-respawn'; pkill -f 'nbdkit -f -p $PORT2 ' ; wait $RESPAWN 2>/dev/null"
wait_listening "$PORT2"
sed -i "s/upstream = \"127.0.0.1:$PORT\"/upstream = \"127.0.0.1:$PORT2\"/" "$WORK/proxy.toml"
sed -i 's/action = "partition"/action = "disconnect"/; s/action = "heal_partition"/action = "reconnect"/' "$WORK/proxy.toml"
start=$(date +%s.%N)
set +e; "$HB" run "$WORK/proxy.toml" --out "$WORK/reset" -q 2>"$WORK/reset.err"; rc=$?; set -e
took=$(python3 -c "print($(date +%s.%N) - $start)")
[ "$rc" = 0 ] || { cat "$WORK/reset.err"; fail "reset run exit $rc"; }
python3 -c "import sys; sys.exit(0 if $took < 20 else 1)" || fail "reset run took ${took}s"
R="$WORK/reset/results.json"
json_check "$R" '[e["ok"] for e in r["events"] if e["kind"] == "fault"] == [True, True]' "reset and pass recorded"
grep -q "reconnected" "$WORK/reset.err" || fail "the client did not reconnect after the reset: $(cat "$WORK/reset.err")"
python3 - "$WORK/reset/timeseries.csv" <<'PY' || fail "I/O did not resume after the reconnect"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if float(r["t_s"]) > 5.0]
assert rows and max(float(r["read_iops"]) for r in rows) > 0
PY
if grep -q "Assertion" "$WORK/respawn.log"; then echo "note: nbdkit aborted on the reset (its known bug) and was restarted"; fi
touch "$WORK/stop-respawn"
pass "proxy reset: recorded, client reconnected, I/O resumed"

# Ctrl-C during a blackhole: the proxy goes away with the run.
sed -i 's/action = "disconnect"/action = "partition"/; s/after = "2s"/after = "60s"/; s/duration = "7s"/duration = "60s"/' "$WORK/proxy.toml"
"$HB" run "$WORK/proxy.toml" --out "$WORK/int" -q 2>/dev/null &
pid=$!
sleep 3.5
kill -INT "$pid"
set +e; wait "$pid"; set -e
listening "$LISTEN" && fail "proxy left listening on $LISTEN after Ctrl-C"
json_check "$WORK/int/results.json" 'r["interrupted"] and any(e["kind"] == "undo" and e["action"] == "heal_partition" for e in r["events"])' "blackhole undone on Ctrl-C"
pass "Ctrl-C during a blackhole leaves no proxy behind"

# Netfilter: an nftables drop on nbdkit's port for 2 s.
if [ "$(id -u)" != 0 ] || ! command -v nft >/dev/null || ! nft list tables >/dev/null 2>&1; then
  echo "skip: netfilter test (needs root and a working nft)"; exit 0
fi
# A server of its own: nbdkit 1.32 aborts ("raw_send_socket: Assertion `sock >= 0'") when a
# client connection is reset while it writes a reply, as the Ctrl-C test above does.
PORT=$(free_port)
start_server mem2 "$PORT" memory size=256M
cat >"$WORK/nf.toml" <<TOML
[run]
name = "netfilter-drop"
duration = "7s"
interval = "250ms"
[backend]
kind = "nbd"
url = "nbd://127.0.0.1:$PORT"
[images]
size = "64MiB"
[workload]
profile = "randrw"
iodepth = 8
[nodes.nbd1]
injector = "netfilter"
host = "127.0.0.1"
port = $PORT
[[fault]]
at = "2s"
action = "partition"
node = "nbd1"
[[fault]]
after = "2s"
action = "heal_partition"
node = "nbd1"
TOML
expect_exit 0 "$HB" run "$WORK/nf.toml" --out "$WORK/nf" -q
R="$WORK/nf/results.json"
echo "nft drop 2 s: max stall $(json_get "$R" 'r["derived"]["max_stall_s"]') s"
json_check "$R" '1.85 <= r["derived"]["max_stall_s"] <= 3.5' "a 2 s drop is a stall of about 2 s (TCP retransmit adds up to ~1 s)"
nft list tables | grep -q healbench_ && fail "a healbench nft table is left: $(nft list tables)"
# A table left by a run that died is removed by the next run that uses netfilter.
nft add table inet healbench_999999_stale
expect_exit 0 "$HB" run "$WORK/nf.toml" --set run.duration=1s --out "$WORK/nf2" -q
nft list tables | grep -q healbench_999999_stale && fail "stale table not removed"
json_check "$WORK/nf2/results.json" 'any(e["kind"] == "cleanup" for e in r["events"])' "stale table removal recorded"
pass "netfilter drop: stall of its length, no table left behind, stale tables removed"
