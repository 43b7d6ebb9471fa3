#!/usr/bin/env bash
# Fleet runs under MPI: `mpirun --allow-run-as-root --oversubscribe -np 4 healbench run` on one
# machine against the reference cluster that rank 0 starts (scenarios/fleet/ref-node-freeze.toml,
# shortened to 14 s with node2 frozen at 4 s for 3 s). Checks, from results.json and each rank's
# own results:
# - the fleet's totals are the sum of the ranks' totals (and of their own results.json files);
# - merged histograms are the ranks' bins added up, and the merged percentiles are those of all
#   latencies pooled (the same bin as the pooled rank's sample);
# - the freeze is a stall on every rank, starting within one interval of each other, and one
#   fleet stall of all four ranks; every rank recorded rank 0's freeze event;
# - a hung rank (SIGSTOP) and a dead rank (SIGKILL, under --enable-recovery) cost a bounded
#   wait: rank 0 reports them missing and keeps the other ranks' results; a failed setup on
#   rank 0 ends every rank at once.
# Skips where mpirun is missing or healbench was built without MPI (HEALBENCH_MPI).
source "$(dirname "$0")/lib.sh"
if ! command -v mpirun >/dev/null; then echo "skip: mpirun (openmpi-bin) is not installed"; exit 0; fi
if ! "$HB" backends | grep -q "^fleet runs .*: available"; then
  echo "skip: healbench was built without MPI"; exit 0
fi
MPIRUN=(mpirun --allow-run-as-root --oversubscribe)
# Under the asan preset, LeakSanitizer must see whose memory Open MPI never frees
# (tests/lsan.supp names its libraries): its components stay loaded until exit, and stacks
# are unwound from debug info, as Open MPI is built without frame pointers.
export OMPI_MCA_mca_base_component_disable_dlclose=1
if [ -n "${ASAN_OPTIONS:-}" ]; then export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"; fi
# Each rank's pid in $WORK/pid.RANK, for the tests that stop or kill one.
cat >"$WORK/rank.sh" <<'SH'
#!/bin/bash
echo $$ >"$PIDDIR/pid.$OMPI_COMM_WORLD_RANK"
exec "$@"
SH
chmod +x "$WORK/rank.sh"
export PIDDIR="$WORK"
on_exit "pkill -CONT -f '$WORK/rank.sh' 2>/dev/null; pkill -9 -f 'healbench run $WORK' 2>/dev/null"
# wait_started RANK OUT: until that rank's run has started (its run start event), at most 60 s.
wait_started() {
  for _ in $(seq 600); do
    grep -qs '"action":"start"' "$2/ranks/rank-$1/events.jsonl" && [ -s "$WORK/pid.$1" ] && return 0
    sleep 0.1
  done
}
sed -e 's/^duration = "20s"/duration = "14s"/' -e 's/^at = "5s"/at = "4s"/' -e 's/^after = "4s"/after = "3s"/' \
  "$SRC/scenarios/fleet/ref-node-freeze.toml" >"$WORK/fleet.toml"
expect_exit 0 "$HB" validate "$WORK/fleet.toml"

# 1. Four ranks, node2 frozen 4-7 s. Rank 0's metrics endpoint is scraped as the run goes.
PORT=$(free_port)
python3 - "$PORT" "$WORK/scrapes" <<'PY' &
import sys, time, urllib.request
port, out = sys.argv[1], sys.argv[2]
end = time.time() + 40
while time.time() < end:
    try:
        text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=1).read().decode()
        ios = sum(float(l.rsplit(" ", 1)[1]) for l in text.splitlines() if l.startswith("healbench_ios_total{"))
        open(out, "a").write(f"{ios}\n")
    except Exception:
        pass
    time.sleep(0.25)
PY
SCRAPER=$!
on_exit "kill $SCRAPER 2>/dev/null"
expect_exit 0 timeout 120 "${MPIRUN[@]}" -np 4 "$HB" run "$WORK/fleet.toml" --out "$WORK/f4" \
  --metrics-listen "127.0.0.1:$PORT"
kill "$SCRAPER" 2>/dev/null || true
R="$WORK/f4/results.json"
# Late in the run the fleet's counter is about 4 times what rank 0 alone does in the whole run.
[ -s "$WORK/scrapes" ] || fail "rank 0's metrics endpoint never answered"
OWN=$(json_get "$WORK/f4/ranks/rank-0/results.json" 'sum(t["ios"] for t in r["totals"].values())')
SCRAPED=$(sort -g "$WORK/scrapes" | tail -1)
python3 -c "import sys; sys.exit(0 if $SCRAPED > 2 * $OWN else 1)" ||
  fail "rank 0's healbench_ios_total ($SCRAPED) is not the fleet's (rank 0 alone did $OWN)"
echo "metrics: rank 0's healbench_ios_total reached $SCRAPED; rank 0 alone did $OWN"
expect_contains "$OUT" "fleet: 4 ranks" "the summary's fleet table"
json_check "$R" 'r["fleet"]["ranks"] == 4 and [p["status"] for p in r["fleet"]["per_rank"]] == ["finished"] * 4' "4 ranks finished"
json_check "$R" 'sorted(r["images"]) == ["vm-r0-0", "vm-r1-0", "vm-r2-0", "vm-r3-0"]' "each rank drove an image of its own"
python3 - "$WORK/f4" <<'PY' || fail "merged figures are not the ranks' figures added up"
import json, math, sys
out = sys.argv[1]
r = json.load(open(out + "/results.json"))
ranks = r["fleet"]["per_rank"]
own = [json.load(open(f"{out}/ranks/rank-{i}/results.json")) for i in range(4)]
for op in ("read", "write", "flush"):
    for k in ("ios", "bytes", "errors"):
        total = r["totals"][op][k]
        assert total == sum(p["totals"][op][k] for p in ranks), (op, k)
        assert total == sum(o["totals"][op][k] for o in own), (op, k, "own files")
    assert r["totals"][op]["ios"] > 0 or op == "flush"
print("totals:", {op: r["totals"][op]["ios"] for op in ("read", "write", "flush")},
      "= sum of", [p["totals"]["write"]["ios"] for p in ranks], "writes per rank")

def bin_index(v):
    if v < 128:
        return max(v, 0)
    octave = v.bit_length() - 1
    return 128 + (octave - 7) * 64 + ((v >> (octave - 6)) - 64)

checked = 0
for pi, phase in enumerate(r["phases"]):
    for op in ("read", "write"):
        merged = {b: n for b, n in phase[op]["histogram"]["bins"]}
        pooled = {}
        for p in ranks:
            if pi >= len(p["phases"]):
                continue
            for b, n in p["phases"][pi][op]["histogram"]["bins"]:
                pooled[b] = pooled.get(b, 0) + n
        assert merged == pooled, (phase["name"], op, "bins differ")
        count = sum(pooled.values())
        if count == 0:
            continue
        for q, key in ((0.5, "p50"), (0.99, "p99"), (0.999, "p999")):
            want, seen = math.ceil(q * count), 0
            for b in sorted(pooled):
                seen += pooled[b]
                if seen >= want:
                    break
            got = phase[op]["latency_ns"][key]
            assert bin_index(got) == b, (phase["name"], op, key, got, b)
            checked += 1
print(f"histograms: every phase's bins are the ranks' bins added up; {checked} merged "
      "percentiles are the pooled ones")
PY
pass "merged totals, histograms and percentiles are the ranks' pooled"
python3 - "$R" <<'PY' || fail "the freeze is not one stall on every rank at the same time"
import json, sys
r = json.load(open(sys.argv[1]))
interval = 0.5
starts = []
for p in r["fleet"]["per_rank"]:
    at_fault = [s for s in p["stalls"] if 3.9 <= s["start_s"] <= 4.0 + interval]
    assert len(at_fault) == 1, (p["rank"], p["stalls"])
    starts.append(at_fault[0]["start_s"])
assert max(starts) - min(starts) <= interval, starts
fs = [s for s in r["fleet"]["fleet_stalls"] if s["start_s"] <= 4.0 + interval and s["end_s"] >= 4.5]
assert len(fs) == 1 and fs[0]["ranks"] == [0, 1, 2, 3], r["fleet"]["fleet_stalls"]
assert r["fleet"]["stall_min_ranks"] == 4
print("stall starts per rank:", ["%.3f" % s for s in starts], "fleet stall %.2f s at %.2f s" %
      (fs[0]["duration_s"], fs[0]["start_s"]))
PY
for i in 1 2 3; do
  json_check "$WORK/f4/ranks/rank-$i/results.json" 'any(e["action"] == "freeze" and e["node"] == "node2" and abs(e["t_s"] - 4.0) < 0.2 for e in r["events"])' "rank $i recorded rank 0's freeze"
  json_check "$WORK/f4/ranks/rank-$i/results.json" '[e for e in r["events"] if not e["ok"]] == []' "rank $i ran no fault step of its own (none failed)"
  json_check "$R" "[p['name'] for p in r['fleet']['per_rank'][$i]['phases']] == [p['name'] for p in r['phases']]" "rank $i went through rank 0's phases"
done
pass "a node freeze: a stall on every rank within one interval, one fleet stall of all ranks"
json_check "$R" 'r["integrity"]["lost_writes"] == 0 and r["integrity"]["checked_blocks"] == sum(p["integrity"]["checked_blocks"] for p in r["fleet"]["per_rank"])' "integrity adds up, nothing lost"

# 2. A hung rank: rank 3 stopped 2 s into its run. Rank 0 waits run.fleet_timeout (10 s) after the run, then
# reports it missing, keeps the others' results and aborts the job (exit 3).
sed -i -e 's/^duration = "14s"/duration = "8s"\nfleet_timeout = "10s"/' "$WORK/fleet.toml"
rm -f "$WORK"/pid.*
(wait_started 3 "$WORK/hung"; sleep 2; kill -STOP "$(cat "$WORK/pid.3")") &
STOPPER=$!
start=$(date +%s)
expect_exit 3 timeout 120 "${MPIRUN[@]}" -np 4 "$WORK/rank.sh" "$HB" run "$WORK/fleet.toml" --out "$WORK/hung" -q
took=$(( $(date +%s) - start ))
wait "$STOPPER" || true
expect_contains "$ERR" "rank 3" "the hung rank named"
R="$WORK/hung/results.json"
json_check "$R" '[p["status"] for p in r["fleet"]["per_rank"]] == ["finished", "finished", "finished", "missing"]' "rank 3 missing, the others finished"
json_check "$R" 'r["totals"]["write"]["ios"] == sum(p["totals"]["write"]["ios"] for p in r["fleet"]["per_rank"][:3]) > 0' "the fleet's figures are the three ranks'"
json_check "$R" 'any(e["kind"] == "fleet" and e["action"] == "rank_missing" and not e["ok"] for e in r["events"])' "an event says rank 3 is missing"
[ "$took" -le 60 ] || fail "a hung rank held the fleet $took s (run 8 s, drain 5 s, fleet_timeout 10 s)"
pass "a hung rank: reported missing after a bounded wait ($took s for an 8 s run), the others' results kept"

# 3. A dead rank under --enable-recovery: the others finish the run.
rm -f "$WORK"/pid.*
(wait_started 2 "$WORK/dead"; sleep 2; kill -9 "$(cat "$WORK/pid.2")") &
KILLER=$!
set +e
timeout 120 "${MPIRUN[@]}" --enable-recovery -np 4 "$WORK/rank.sh" "$HB" run "$WORK/fleet.toml" --out "$WORK/dead" -q \
  >"$WORK/dead.out" 2>&1
set -e
wait "$KILLER" || true
grep -q "rank 2 (.*): missing" "$WORK/dead.out" || { cat "$WORK/dead.out"; fail "rank 0 did not report the dead rank"; }
json_check "$WORK/dead/results.json" '[p["status"] for p in r["fleet"]["per_rank"]] == ["finished", "finished", "missing", "finished"]' "rank 2 missing, the others finished"
pass "a dead rank: the others finish, rank 0 reports it missing"

# 4. Rank 0 cannot set up (no node listens): every rank ends at once with its error.
cat >"$WORK/bad.toml" <<'TOML'
[run]
duration = "5s"
fleet_timeout = "30s"
[backend]
kind = "ref"
nodes = ["127.0.0.1:1", "127.0.0.1:2"]
ping_timeout = "1s"
[images]
size = "16MiB"
TOML
start=$(date +%s)
set +e
timeout 60 "${MPIRUN[@]}" -np 4 "$HB" run "$WORK/bad.toml" --out "$WORK/bad" -q >"$WORK/bad.out" 2>&1
rc=$?
set -e
took=$(( $(date +%s) - start ))
[ "$rc" != 0 ] && [ "$rc" != 124 ] || { cat "$WORK/bad.out"; fail "a failed setup: exit $rc"; }
grep -q "127.0.0.1:1" "$WORK/bad.out" || { cat "$WORK/bad.out"; fail "the unreachable node is not named"; }
[ "$took" -le 20 ] || fail "a failed setup took $took s to end the fleet (fleet_timeout 30 s)"
pass "rank 0's failed setup ends the fleet in $took s (exit $rc), naming the node"
