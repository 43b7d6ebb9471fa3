#!/usr/bin/env bash
# Rolling maintenance on the reference cluster, with the ref probe as ground truth: done
# with waits (safe to stop, then in sync) it completes without a warning, an I/O error or a
# lost write;
# done in a hurry it records an "unsafe_stop" warning for the node that held the only good
# copy, and the guest sees the cluster become unavailable. Both verify every write.
source "$(dirname "$0")/lib.sh"

expect_exit 0 "$HB" run "$SRC/scenarios/ref-rolling-maintenance.toml" --set run.duration=20s --out "$WORK/safe" -q
R="$WORK/safe/results.json"
json_check "$R" '[e["ok"] for e in r["events"] if e["kind"] == "wait"] == [True, True, True, True]' "every wait reached"
json_check "$R" '[e["node"] for e in r["events"] if e["kind"] == "fault"] == ["node1", "node1", "node2", "node2"]' "each node in turn"
json_check "$R" 'not any(e["kind"] == "warning" for e in r["events"])' "no unsafe stop"
json_check "$R" 'sum(t["errors"] for t in r["totals"].values()) == 0' "no I/O error"
json_check "$R" 'r["integrity"]["checked_blocks"] > 0 and r["integrity"]["lost_writes"] == 0 and r["integrity"]["diverged_blocks"] == 0 and len(r["integrity"]["replicas"]) == 2' "verified: zero lost writes, replicas identical"
json_check "$R" '[e for e in r["events"] if e["kind"] == "wait"][2]["t_s"] >= [e for e in r["events"] if e["kind"] == "wait"][1]["end_s"]' "node2 only after the cluster was in sync"
pass "safe rolling maintenance: waits reached, no warning, no error, zero lost writes"

expect_exit 0 "$HB" run "$SRC/scenarios/ref-rolling-maintenance-unsafe.toml" --set run.duration=14s --out "$WORK/unsafe" -q
R="$WORK/unsafe/results.json"
json_check "$R" 'any(e["kind"] == "warning" and e["action"] == "unsafe_stop" and e["node"] == "node2" for e in r["events"])' "unsafe stop of node2 recorded"
json_check "$R" 'sum(t["errors"] for t in r["totals"].values()) > 0 or r["derived"]["max_stall_s"] > 1' "the guest saw the cluster become unavailable"
json_check "$R" 'any(s["safe_to_stop"].get("node2") is False for s in r["sync"]["samples"])' "the probe said node2 was not safe to stop"
# The cluster refuses I/O rather than serve the half-healed copy, and comes back once node2
# (which holds every acknowledged write) returns: nothing acknowledged is lost.
json_check "$R" 'r["integrity"]["lost_writes"] == 0 and r["integrity"]["stale_reads"] == 0' "unavailable, but nothing acknowledged lost"
pass "hurried rolling maintenance: unsafe stop recorded, unavailability seen"
