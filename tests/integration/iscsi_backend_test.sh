#!/usr/bin/env bash
# The iscsi backend against a real tgtd on 127.0.0.1: reads, writes and flushes; verified
# writes read back identical, and found at their LBAs in tgtd's backing file by an independent
# reader; sizes and URLs checked; a UNIT ATTENTION is sent again, a write-protected LUN's
# DATA PROTECT sense is counted as errors naming it; a 2 s blackhole through the proxy is a
# 2 s stall (+-5%), and a proxy reset ends in a reconnect, not a hang.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tgt_lib.sh"
tgt_usable

no_errors='r["totals"]["read"]["errors"] + r["totals"]["write"]["errors"] + r["totals"]["flush"]["errors"] == 0'
IQN=iqn.2026-01.org.healbench.test:disk
PORT=$(free_port)
start_tgtd tgt "$PORT"
tgt_lun "$PORT" 1 "$IQN" 1 "$WORK/lun1.img" 256M
URL="iscsi://127.0.0.1:$PORT/$IQN/1"

# Verified writes: healbench reads every written block back through iSCSI and checks its
# stamp; then tgtd's backing file (fresh: nothing else wrote it yet) is read directly, without
# iSCSI, and every block healbench wrote must sit at the offset its stamp names, whole.
expect_exit 0 "$HB" run --set backend.kind=iscsi --set backend.url="$URL" --set images.size=32MiB \
  --set workload.profile=randrw --set workload.verify=true --set run.duration=2s --out "$WORK/verify" -q
R="$WORK/verify/results.json"
json_check "$R" 'r["integrity"]["checked_blocks"] > 1000 and r["integrity"]["blocks_read_back"] > 1000' "blocks read back"
json_check "$R" 'all(r["integrity"][k] == 0 for k in ["lost_writes", "stale_reads", "torn_blocks", "misdirected"])' "read back identical"
python3 "$SRC/tests/integration/check_stamped_image.py" "$WORK/lun1.img" $((32 * 1024 * 1024)) \
  "$(json_get "$R" 'r["integrity"]["blocks_read_back"]')" || fail "the backing file does not hold what healbench wrote"
pass "iscsi: verified writes read back identical, and found in the backing file"

# Random reads and writes, then a db workload with a flush after each write on two images.
expect_exit 0 "$HB" run --set backend.kind=iscsi --set backend.url="$URL" --set images.size=128MiB \
  --set workload.profile=randrw --set run.duration=2s --out "$WORK/randrw" -q
R="$WORK/randrw/results.json"
json_check "$R" 'r["totals"]["read"]["ios"] > 100 and r["totals"]["write"]["ios"] > 100' "reads and writes done"
json_check "$R" "$no_errors" "no errors"
expect_exit 0 "$HB" run --set backend.kind=iscsi --set backend.url="$URL" --set images.count=2 \
  --set images.size=128MiB --set workload.profile=db --set run.duration=2s --out "$WORK/db" -q
R="$WORK/db/results.json"
json_check "$R" 'r["totals"]["write"]["ios"] > 50 and r["totals"]["flush"]["ios"] > 50' "db writes and SYNCHRONIZE CACHE flushes, two images as regions"
json_check "$R" "$no_errors" "no errors"
pass "iscsi: randrw, db with flushes"


# Sizes checked against the LUN; bad URLs and a LUN that is no disk named.
expect_exit 2 "$HB" run --set backend.kind=iscsi --set backend.url="$URL" --set images.size=1GiB \
  --set run.duration=1s --out "$WORK/big" -q
expect_contains "$ERR" "images.size 1GiB exceeds the iSCSI LUN size 256MiB ($URL)" "image larger than the LUN"
expect_exit 2 "$HB" run --set backend.kind=iscsi --set backend.url="$URL" --set images.count=3 \
  --set images.size=128MiB --set run.duration=1s --out "$WORK/big3" -q
expect_contains "$ERR" "images.count 3 x images.size 128MiB = 384MiB exceeds the iSCSI LUN size 256MiB" "regions larger than the LUN"
expect_exit 2 "$HB" run --set backend.kind=iscsi --set backend.url="iscsi://127.0.0.1:$PORT/$IQN" \
  --set run.duration=1s --out "$WORK/nolun" -q
expect_contains "$ERR" "names no LUN: expected iscsi://HOST[:PORT]/TARGET-IQN/LUN" "URL without a LUN"
expect_exit 3 "$HB" run --set backend.kind=iscsi --set backend.url="iscsi://127.0.0.1:$PORT/$IQN/0" \
  --set run.duration=1s --out "$WORK/lun0" -q
expect_contains "$ERR" "READ CAPACITY(16) on iscsi://127.0.0.1:$PORT/$IQN/0: CHECK CONDITION: sense key ILLEGAL_REQUEST" "the controller LUN is no disk"
expect_exit 3 "$HB" run --set backend.kind=iscsi --set backend.url="iscsi://127.0.0.1:$PORT/$IQN-nope/1" \
  --set run.duration=1s --out "$WORK/noiqn" -q
expect_contains "$ERR" "connect to iscsi://127.0.0.1:$PORT/$IQN-nope/1" "unknown target"
pass "iscsi: sizes, URLs and LUNs checked"

# A LUN added while the run goes on: tgtd raises UNIT ATTENTION (REPORTED LUNS DATA HAS
# CHANGED) on the session; the request is sent again, not counted as an error.
truncate -s 64M "$WORK/lun2.img"
cat >"$WORK/ua.toml" <<TOML
[run]
name = "iscsi-unit-attention"
duration = "3s"
[backend]
kind = "iscsi"
url = "$URL"
[images]
size = "64MiB"
[workload]
profile = "randrw"
[[fault]]
at = "1s"
action = "command"
command = ["tgtadm", "-C", "$(tgt_ctl "$PORT")", "--lld", "iscsi", "--op", "new", "--mode", "logicalunit", "--tid", "1", "--lun", "2", "-b", "$WORK/lun2.img"]
TOML
expect_exit 0 "$HB" run "$WORK/ua.toml" --out "$WORK/ua" -q
expect_contains "$ERR" "sense key UNIT_ATTENTION (0x6), ASC/ASCQ 0x3f0e (REPORTED_LUNS_DATA_HAS_CHANGED); sent again" "UNIT ATTENTION retried"
json_check "$WORK/ua/results.json" "$no_errors" "a UNIT ATTENTION is no error"
json_check "$WORK/ua/results.json" 'r["events"][0]["ok"]' "the LUN was added"
pass "iscsi: UNIT ATTENTION sent again"

# A write-protected LUN: every write fails with DATA PROTECT, counted and named; reads go on.
tgtadm -C "$(tgt_ctl "$PORT")" --lld iscsi --op update --mode logicalunit --tid 1 --lun 2 --params readonly=1
expect_exit 0 "$HB" run --set backend.kind=iscsi --set backend.url="iscsi://127.0.0.1:$PORT/$IQN/2" \
  --set images.size=32MiB --set workload.profile=randrw --set run.duration=1s --out "$WORK/ro" -q
R="$WORK/ro/results.json"
json_check "$R" 'r["totals"]["write"]["errors"] > 100 and r["totals"]["write"]["ios"] == 0' "writes counted as errors"
json_check "$R" 'r["totals"]["read"]["ios"] > 100 and r["totals"]["read"]["errors"] == 0' "reads go on"
expect_contains "$ERR" "CHECK CONDITION: sense key DATA_PROTECT (0x7), ASC/ASCQ 0x2700 (WRITE_PROTECTED); counted as an error" "sense named"
pass "iscsi: DATA PROTECT counted as errors naming sense key and ASC/ASCQ"

# Blackhole of 2 s through healbench's proxy: one stall of 2 s (+-5%), no errors.
LISTEN=$(free_port)
cat >"$WORK/bh.toml" <<TOML
[run]
name = "iscsi-blackhole"
duration = "6s"
interval = "250ms"
[backend]
kind = "iscsi"
url = "iscsi://127.0.0.1:$LISTEN/$IQN/1"
[images]
size = "64MiB"
[workload]
profile = "randrw"
iodepth = 8
[nodes.tgt1]
injector = "proxy"
listen = "127.0.0.1:$LISTEN"
upstream = "127.0.0.1:$PORT"
[[fault]]
at = "2s"
action = "partition"
node = "tgt1"
[[fault]]
after = "2s"
action = "heal_partition"
node = "tgt1"
TOML
expect_exit 0 "$HB" run "$WORK/bh.toml" --out "$WORK/bh" -q
R="$WORK/bh/results.json"
echo "blackhole 2 s: stalls $(json_get "$R" '[round(s["duration_s"], 3) for s in r["stalls"]]')"
json_check "$R" 'len(r["stalls"]) == 1 and abs(r["stalls"][0]["duration_s"] - 2.0) <= 0.1' "a 2 s blackhole is one stall of 2 s +- 5%"
json_check "$R" "$no_errors" "no errors: the data was held, not lost"
listening "$LISTEN" && fail "proxy still listening on $LISTEN after the run"
pass "iscsi: proxy blackhole of 2 s is a 2 s stall"

# Reset: the proxy cuts the session and refuses new ones for 2 s; the queue reconnects, the
# requests are sent again, the run ends on time.
sed -i 's/action = "partition"/action = "disconnect"/; s/action = "heal_partition"/action = "reconnect"/' "$WORK/bh.toml"
start=$(date +%s.%N)
expect_exit 0 "$HB" run "$WORK/bh.toml" --out "$WORK/reset" -q
took=$(python3 -c "print($(date +%s.%N) - $start)")
python3 -c "import sys; sys.exit(0 if $took < 15 else 1)" || fail "the reset run hung: ${took}s"
expect_contains "$ERR" "healbench: iscsi: connection to iscsi://127.0.0.1:$LISTEN/$IQN/1 lost" "loss reported"
expect_contains "$ERR" "healbench: iscsi: reconnected to iscsi://127.0.0.1:$LISTEN/$IQN/1 after" "reconnect reported"
R="$WORK/reset/results.json"
echo "reset 2 s: stalls $(json_get "$R" '[round(s["duration_s"], 3) for s in r["stalls"]]')"
json_check "$R" '[e["ok"] for e in r["events"] if e["kind"] == "fault"] == [True, True]' "reset and reconnect recorded"
json_check "$R" 'len(r["stalls"]) == 1 and 1.9 <= r["stalls"][0]["duration_s"] <= 2.6' "one stall of about 2 s"
json_check "$R" "$no_errors" "requests sent again, not failed"
python3 - "$WORK/reset/timeseries.csv" <<'PY' || fail "I/O did not resume after the reconnect"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if 4.6 < float(r["t_s"]) < 5.9]
assert rows and all(float(r["read_iops"]) > 0 for r in rows), rows
PY
pass "iscsi: proxy reset -> reconnect recorded, a stall, I/O resumes"

stop_tgtd tgt "$PORT"
pass "tgtd stopped, port $PORT free"
