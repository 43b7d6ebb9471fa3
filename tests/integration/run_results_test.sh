#!/usr/bin/env bash
# A run end to end on the null and file backends: results.json carries the contract's keys
# with plausible values, timeseries.csv has one row per interval, events.jsonl records the
# run, images are created sparse, and an open-loop rate is kept.
source "$(dirname "$0")/lib.sh"

# Null backend, closed loop, 100 ms intervals.
expect_exit 0 "$HB" run --set run.name=null-e2e --set backend.kind=null --set run.duration=2s \
  --set run.interval=100ms --set images.count=3 --set workload.profile=randrw --set run.seed=42 \
  --out "$WORK/null" -q
R="$WORK/null/results.json"
json_check "$R" 'r["schema"] == "healbench/1"' "schema"
json_check "$R" 'r["context"]["seed"] == 42 and r["context"]["scenario"]["run"]["seed"] == 42' "seed stored"
json_check "$R" 'all(k in r for k in ["context","duration_s","totals","phases","stalls","events","sync","derived","integrity","slo"])' "every contract key present"
json_check "$R" 'all(k in r["context"] for k in ["version","git_sha","seed","host","kernel","build_type","started_at","scenario"])' "context keys"
json_check "$R" 'abs(r["duration_s"] - 2.0) < 0.5' "duration about 2 s"
json_check "$R" 'r["totals"]["read"]["ios"] > 1000 and r["totals"]["write"]["ios"] > 1000' "I/O happened"
json_check "$R" 'abs(r["totals"]["read"]["ios"] / (r["totals"]["read"]["ios"] + r["totals"]["write"]["ios"]) - 0.5) < 0.05' "randrw is half reads"
json_check "$R" 'r["totals"]["read"]["bytes"] == 4096 * r["totals"]["read"]["ios"]' "4k blocks"
json_check "$R" 'r["phases"][0]["name"] == "baseline" and r["phases"][0]["read"]["latency_ns"]["p99"] >= r["phases"][0]["read"]["latency_ns"]["p50"]' "baseline phase with percentiles"
json_check "$R" 'r["stalls"] == [] and r["derived"]["max_stall_s"] == 0' "no stall on the null backend"
json_check "$R" 'r["integrity"]["lost_writes"] is None and r["derived"]["failover_latency_s"] is None' "not-applicable values are null"
json_check "$R" 'r["slo"]["pass"] is True' "slo pass without checks"
rows=$(($(wc -l <"$WORK/null/timeseries.csv") - 1))
[ "$rows" -ge 19 ] && [ "$rows" -le 22 ] || fail "timeseries.csv has $rows rows, want about 20 for 2 s at 100 ms"
head -1 "$WORK/null/timeseries.csv" | grep -q '^t_s,phase,read_iops' || fail "timeseries.csv header"
grep -q '"action":"start"' "$WORK/null/events.jsonl" || fail "events.jsonl has the run start"
grep -q '"action":"end"' "$WORK/null/events.jsonl" || fail "events.jsonl has the run end"
pass "null backend results"

# Open loop: 400 IOPS fixed for 3 s is 1200 I/Os (+-3%), whatever the machine's speed.
expect_exit 0 "$HB" run --set backend.kind=null --set run.duration=3s --set workload.profile=randread \
  --set workload.rate_iops=400 --out "$WORK/open" -q
json_check "$WORK/open/results.json" 'abs(r["totals"]["read"]["ios"] - 1200) <= 36' "open loop keeps the rate"
pass "open loop rate"

# File backend: sparse images in a directory, O_DIRECT, a db workload with flushes.
mkdir -p "$WORK/img"
expect_exit 0 "$HB" run --set backend.kind=file --set backend.path="$WORK/img" --set images.count=2 \
  --set images.size=1GiB --set workload.profile=db --set run.duration=2s --set run.seed=7 --out "$WORK/file" -q
R="$WORK/file/results.json"
json_check "$R" 'r["totals"]["write"]["ios"] > 50 and r["totals"]["flush"]["ios"] > 50' "db writes and flushes"
json_check "$R" 'abs(r["totals"]["flush"]["ios"] - r["totals"]["write"]["ios"]) <= 2 * 8 * 2' "db: one flush per write"
json_check "$R" 'r["totals"]["read"]["errors"] + r["totals"]["write"]["errors"] + r["totals"]["flush"]["errors"] == 0' "no errors"
[ -f "$WORK/img/vm-0.img" ] && [ -f "$WORK/img/vm-1.img" ] || fail "images vm-0.img and vm-1.img created"
size=$(stat -c %s "$WORK/img/vm-0.img")
[ "$size" = 1073741824 ] || fail "image size $size, want 1 GiB"
used_kib=$(du -k "$WORK/img/vm-0.img" | cut -f1)
written_kib=$(($(json_get "$R" 'r["totals"]["write"]["bytes"]') / 1024))
# Sparse: space used follows what was written (plus filesystem slack), not the image size.
[ "$used_kib" -lt $((written_kib * 2 + 16384)) ] && [ "$used_kib" -lt 524288 ] ||
  fail "image not sparse: $used_kib KiB used for $written_kib KiB written"
pass "file backend, sparse images, flushes"

# Buffered I/O and an existing file as the single image (not created by healbench: --force).
truncate -s 64M "$WORK/single.img"
expect_exit 0 "$HB" run --set backend.kind=file --set backend.path="$WORK/single.img" --set backend.direct=false \
  --force --set images.size=64MiB --set workload.profile=seq-write --set run.duration=1s --out "$WORK/single" -q
json_check "$WORK/single/results.json" 'r["totals"]["write"]["bytes"] > 0' "buffered writes to an existing file"
expect_exit 2 "$HB" run --set backend.kind=file --set backend.path="$WORK/single.img" --set images.size=1GiB \
  --set run.duration=1s --out "$WORK/toobig" -q
expect_contains "$ERR" "exceeds" "image larger than the file is refused"
expect_exit 2 "$HB" run --set backend.kind=file --set backend.path="$WORK/single.img" --set images.count=2 \
  --set images.size=1MiB --set run.duration=1s --out "$WORK/two" -q
expect_contains "$ERR" "images.count" "several images on one file refused"
pass "existing file as image"

# A block device (a loop device over a file), when the machine lets us make one.
if LOOP=$(losetup -f --show "$WORK/single.img" 2>/dev/null); then
  on_exit "losetup -d $LOOP"
  expect_exit 0 "$HB" run --set backend.kind=file --set backend.path="$LOOP" --set images.size=32MiB \
    --set workload.profile=randrw --set run.duration=1s --out "$WORK/blk" -q
  json_check "$WORK/blk/results.json" 'r["totals"]["read"]["ios"] > 0 and r["totals"]["write"]["errors"] == 0' "I/O on a block device"
  pass "block device $LOOP"
else
  echo "skip: block device test (losetup refused: not root or no loop devices)"
fi
