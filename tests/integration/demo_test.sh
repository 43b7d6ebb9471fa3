#!/usr/bin/env bash
# `healbench demo` as the README's first command runs it: the reference cluster through a
# node freeze and heal, whole-image heal lock against range locks against server replication
# (the primary resyncs the secondary in the background). The image lock must show
# a second stall as long as the heal (64 MiB of dirty regions at 32 MiB/s = 2 s); the range
# lock must show none during the heal; both fail over after ping_timeout (2 s).
source "$(dirname "$0")/lib.sh"
expect_exit 0 "$HB" demo --out "$WORK/demo" --duration 14s
expect_contains "$OUT" "client, heal_lock=image" "table column for the image lock"
expect_contains "$OUT" "client, heal_lock=range" "table column for range locks"
expect_contains "$OUT" "server (primary/secondary)" "table column for server replication"
expect_contains "$OUT" "max stall" "comparison table printed"
I="$WORK/demo/client-image-lock/results.json"
G="$WORK/demo/client-range-lock/results.json"
S="$WORK/demo/server-resync/results.json"
for R in "$I" "$G" "$S"; do
  json_check "$R" '1.8 <= r["derived"]["failover_latency_s"] <= 2.4' "failover after ping_timeout 2s"
  json_check "$R" '[p["name"] for p in r["phases"]] == ["baseline", "degraded", "healing", "recovered"]' "phases, healing from the ref probe"
  json_check "$R" '1.8 <= r["derived"]["time_to_in_sync_s"] <= 2.8' "in sync once the 2 s heal is done"
  json_check "$R" 'any(s["state"] == "healing" and s["safe_to_stop"]["node1"] is False for s in r["sync"]["samples"])' "while node2 heals, node1 is not safe to stop"
  json_check "$R" 'sum(t["errors"] for t in r["totals"].values()) == 0' "no I/O errors"
done
json_check "$I" '1.8 <= r["derived"]["heal_stall_max_s"] <= 2.4' "image lock: the guest waits for the whole 2 s heal"
json_check "$G" 'r["derived"]["heal_stall_max_s"] == 0' "range lock: no stall during the heal"
json_check "$S" 'r["derived"]["heal_stall_max_s"] == 0' "server replication: no stall during the resync"
[ -f "$WORK/demo/client-image-lock/report.html" ] || fail "report.html written for each run"
pgrep -f -- "node --listen .* --dir $WORK/demo/" >/dev/null && fail "a reference-cluster node of the demo is still running after it"
pass "demo: image lock stalls for the heal, range lock and server resync do not"
