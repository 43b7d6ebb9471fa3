#!/usr/bin/env bash
# Write verification end to end on the file backend and the reference cluster: a clean run
# reports zero problems; `healbench verify OUT/` later agrees; blocks damaged on disk
# afterwards are found with exact counts (zeroed = lost, flipped byte = torn, another
# block's copy = misdirected); a run killed with SIGKILL can still be verified from its
# journal; unverifiable setups are refused with exit 2.
source "$(dirname "$0")/lib.sh"

IMG="$WORK/images"
mkdir -p "$IMG"
common=(--set backend.kind=file --set "backend.path=$IMG" --set workload.profile=randrw
        --set workload.verify=true --set images.size=32MiB --set images.count=2 --set run.seed=7)

# 1. A clean run, then a later verify of the same storage.
expect_exit 0 "$HB" run "${common[@]}" --set run.duration=3s --out "$WORK/clean" -q
R="$WORK/clean/results.json"
json_check "$R" 'r["integrity"]["checked_blocks"] > 1000 and r["integrity"]["blocks_read_back"] > 1000' "blocks checked during the run and at the end"
json_check "$R" 'all(r["integrity"][k] == 0 for k in ["lost_writes","stale_reads","torn_blocks","misdirected","diverged_blocks"])' "a clean run has no problems"
json_check "$R" 'any(e["kind"] == "verify" and e["ok"] for e in r["events"])' "the verify step is an event"
json_check "$R" 'any(c["name"] == "max_lost_writes" and c["pass"] for c in r["slo"]["checks"])' "max_lost_writes SLO checked"
[ -s "$WORK/clean/verify/journal-0.bin" ] || fail "journal written"
expect_exit 0 "$HB" verify "$WORK/clean"
expect_contains "$OUT" "lost writes 0 | stale reads 0 | torn 0 | misdirected 0" "later verify is clean"
pass "clean run and later verify"

# 2. Damage three written blocks of vm-0 behind healbench's back.
python3 - "$IMG/vm-0.img" <<'PY'
import struct, sys
magic = struct.pack('<Q', 0x3146524556424248)
with open(sys.argv[1], 'r+b') as f:
    data = f.read()
    blocks = [i for i in range(len(data) // 4096) if data[i*4096:i*4096+8] == magic]
    a, b, c, d = blocks[10], blocks[20], blocks[30], blocks[40]
    f.seek(a * 4096); f.write(b'\0' * 4096)                                  # lost
    f.seek(b * 4096 + 2048); f.write(bytes([data[b * 4096 + 2048] ^ 0xff]))  # torn
    f.seek(c * 4096); f.write(data[d * 4096:(d + 1) * 4096])                 # misdirected
PY
sync
expect_exit 1 "$HB" verify "$WORK/clean"
expect_contains "$OUT" "lost writes 1 | stale reads 0 | torn 1 | misdirected 1 | diverged 0" "damage found with exact counts"
json_check "$WORK/clean/verify/verify-result.json" 'r["lost_writes"] == 1 and r["torn_blocks"] == 1 and r["misdirected"] == 1' "verify-result.json"
pass "damaged blocks classified"

# 3. healbench killed mid-run: the journal still lets a later verify check what was written.
rm -f "$IMG"/*.img
"$HB" run "${common[@]}" --set run.duration=30s --out "$WORK/crash" -q >/dev/null 2>&1 &
pid=$!
sleep 3
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
[ ! -e "$WORK/crash/results.json" ] || fail "a killed run wrote no results.json"
expect_exit 0 "$HB" verify "$WORK/crash"
expect_contains "$OUT" "lost writes 0" "verify after a harness crash"
checked=$(json_get "$WORK/crash/verify/verify-result.json" 'r["blocks_read_back"]')
[ "$checked" -gt 1000 ] || fail "only $checked blocks verified after the crash"
pass "verify after SIGKILL of the harness ($checked blocks)"

# 4. Replicas given as paths ([nodes.NAME] replica_path, e.g. GlusterFS bricks) are compared
#    block by block: here the image directory itself and a copy damaged afterwards.
rm -f "$IMG"/*.img
expect_exit 0 "$HB" run "${common[@]}" --set run.duration=2s --set nodes.a.injector=command --set 'nodes.a.freeze=["true"]' \
  --set "nodes.a.replica_path=$IMG/{image}" --set nodes.b.injector=command \
  --set 'nodes.b.freeze=["true"]' \
  --set "nodes.b.replica_path=$WORK/copy/{image}" --out "$WORK/paths" -q
json_check "$WORK/paths/results.json" '"replica b not fully compared" in r["integrity"]["note"]' "a missing replica is named"
mkdir -p "$WORK/copy" && cp --sparse=always "$IMG"/*.img "$WORK/copy/"
expect_exit 0 "$HB" verify "$WORK/paths"
expect_contains "$OUT" "replica b: checked" "replica compared later"
python3 - "$WORK/copy/vm-1.img" <<'PY'
import struct, sys
magic = struct.pack('<Q', 0x3146524556424248)
with open(sys.argv[1], 'r+b') as f:
    data = f.read()
    blocks = [i for i in range(len(data) // 4096) if data[i*4096:i*4096+8] == magic]
    f.seek(blocks[5] * 4096 + 100); f.write(bytes([data[blocks[5] * 4096 + 100] ^ 1]))
PY
expect_exit 1 "$HB" verify "$WORK/paths"
expect_contains "$OUT" "diverged 1 |" "a replica that differs in one block"
expect_contains "$OUT" "replica b: checked" "per replica counts"
pass "replicas compared from paths"

# 5. Refusals.
expect_exit 2 "$HB" run "${common[@]}" --set run.duration=1s --set 'workload.bs="512"' \
  --set backend.direct=false --out "$WORK/bs"
expect_contains "$ERR" "multiples of 4 KiB" "verify needs 4k blocks"
expect_exit 0 "$HB" run --set backend.kind=ref --set workload.verify=true --set run.duration=2s \
  --set images.size=16MiB --set workload.profile=randrw --out "$WORK/ref" -q
json_check "$WORK/ref/results.json" 'len(r["integrity"]["replicas"]) == 2 and r["integrity"]["diverged_blocks"] == 0 and r["integrity"]["lost_writes"] == 0' "ref: replicas compared, none diverged"
expect_exit 2 "$HB" verify "$WORK/ref"
expect_contains "$ERR" "spawned" "later verify of spawned nodes refused"
expect_exit 2 "$HB" verify "$WORK/nowhere"
pass "refusals"
