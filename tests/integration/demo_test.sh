#!/usr/bin/env bash
# `healbench demo` as the README's first command runs it: the reference cluster through a
# node freeze and heal, whole-image heal lock against range locks. The image lock must show
# a second stall as long as the heal (64 MiB of dirty regions at 32 MiB/s = 2 s); the range
# lock must show none during the heal; both fail over after ping_timeout (2 s).
source "$(dirname "$0")/lib.sh"
expect_exit 0 "$HB" demo --out "$WORK/demo" --duration 14s
expect_contains "$OUT" "client, heal_lock=image" "table column for the image lock"
expect_contains "$OUT" "client, heal_lock=range" "table column for range locks"
expect_contains "$OUT" "max stall" "comparison table printed"
I="$WORK/demo/client-image-lock/results.json"
G="$WORK/demo/client-range-lock/results.json"
for R in "$I" "$G"; do
  json_check "$R" '1.8 <= r["derived"]["failover_latency_s"] <= 2.4' "failover after ping_timeout 2s"
  json_check "$R" '[p["name"] for p in r["phases"]] == ["baseline", "degraded", "recovered"]' "phases"
  json_check "$R" 'sum(t["errors"] for t in r["totals"].values()) == 0' "no I/O errors"
done
json_check "$I" 'len([s for s in r["stalls"] if s["phase"] == "recovered" and 1.8 <= s["duration_s"] <= 2.4]) == 1' "image lock: the guest waits for the whole 2 s heal"
json_check "$G" 'not [s for s in r["stalls"] if s["phase"] == "recovered"]' "range lock: no stall during the heal"
[ -f "$WORK/demo/client-image-lock/report.html" ] || fail "report.html written for each run"
pgrep -f "healbench node --listen" >/dev/null && fail "a reference-cluster node is still running after the demo"
pass "demo: image lock stalls for the heal, range lock does not"
