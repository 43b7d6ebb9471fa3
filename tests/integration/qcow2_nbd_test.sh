#!/usr/bin/env bash
# A real qcow2 VM image (the format KVM guests use) served by qemu-nbd from Debian's qemu-utils,
# driven through the nbd backend: verified random writes with flushes. The image grows, `qemu-img
# check` finds it consistent, and converted to raw it holds every block healbench wrote at its
# own offset, whole.
source "$(dirname "$0")/lib.sh"

"$HB" backends | grep -q '^nbd  *available' || { echo "skip: healbench built without libnbd"; exit 0; }
command -v qemu-nbd >/dev/null && command -v qemu-img >/dev/null || { echo "skip: qemu-utils not installed"; exit 0; }

IMG="$WORK/vm.qcow2"
qemu-img create -q -f qcow2 "$IMG" 1G
actual() { qemu-img info --output=json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["actual-size"])'; }
before=$(actual "$IMG")

PORT=$(free_port)
qemu-nbd -f qcow2 -b 127.0.0.1 -p "$PORT" -x vm -t -e 16 --cache=writeback --pid-file "$WORK/qnbd.pid" \
  "$IMG" </dev/null >"$WORK/qnbd.log" 2>&1 &
on_exit "stop_server '$WORK/qnbd.pid'"
wait_listening "$PORT"
for _ in $(seq 50); do [ -s "$WORK/qnbd.pid" ] && break; sleep 0.1; done

expect_exit 0 "$HB" run --set backend.kind=nbd --set backend.url="nbd://127.0.0.1:$PORT/vm" \
  --set images.size=64MiB --set workload.profile=randrw --set workload.verify=true \
  --set workload.fsync_every=16 --set run.duration=3s --out "$WORK/qcow2" -q
R="$WORK/qcow2/results.json"
json_check "$R" 'r["totals"]["write"]["ios"] > 200 and r["totals"]["flush"]["ios"] > 10' "writes and flushes done"
json_check "$R" 'r["totals"]["read"]["errors"] + r["totals"]["write"]["errors"] + r["totals"]["flush"]["errors"] == 0' "no errors"
json_check "$R" 'r["integrity"]["blocks_read_back"] > 200 and all(r["integrity"][k] == 0 for k in ["lost_writes", "stale_reads", "torn_blocks", "misdirected"])' "read back identical through qemu-nbd"
stop_server "$WORK/qnbd.pid" "$PORT"

after=$(actual "$IMG")
echo "qcow2 actual size: $before -> $after bytes"
[ "$after" -gt $((before + 4 * 1024 * 1024)) ] || fail "the qcow2 image did not grow: $before -> $after bytes"
qemu-img check "$IMG" >"$WORK/check.txt" 2>&1 || { cat "$WORK/check.txt"; fail "qemu-img check found the image inconsistent"; }
grep -q "No errors were found on the image" "$WORK/check.txt" || { cat "$WORK/check.txt"; fail "qemu-img check output"; }
qemu-img convert -f qcow2 -O raw "$IMG" "$WORK/vm.raw"
python3 "$SRC/tests/integration/check_stamped_image.py" "$WORK/vm.raw" $((64 * 1024 * 1024)) \
  "$(json_get "$R" 'r["integrity"]["blocks_read_back"]')" || fail "the qcow2 image does not hold what healbench wrote"
pass "qcow2 via qemu-nbd: grew, qemu-img check clean, every written block in place"
