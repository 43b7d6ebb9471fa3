#!/usr/bin/env bash
# The integrity checker against planted faults: scenarios/negative/ run the reference cluster
# with its test fault modes (acknowledge-then-drop, stale read after heal, silent divergence)
# and must report exactly the problems the nodes say they caused — their own counts, printed
# to OUT/nodes/NODE.log when they stop — and nothing else; with the fault modes off the same
# scenarios must report zero. SEEDS seeds of each (20; 5 under the sanitizers, which are
# several times slower), two runs at a time.
source "$(dirname "$0")/lib.sh"

SEEDS="${SEEDS:-20}"
[ -z "${ASAN_OPTIONS:-}" ] || SEEDS="${SEEDS_SANITIZED:-5}"
NEG="$SRC/scenarios/negative"

# run_one SCENARIO SEED MODE(on|off): one run, then its check; prints one line.
cat >"$WORK/run_one.sh" <<'SH'
set -u
hb="$1" neg="$2" work="$3" name="$4" seed="$5" mode="$6"
out="$work/$name-$mode-$seed"
extra=()
[ "$mode" = on ] || extra=(--set 'backend.test_faults=[]')
"$hb" run "$neg/$name.toml" --set "run.seed=$seed" "${extra[@]}" --out "$out" -q \
  >"$out.stdout" 2>"$out.stderr"
echo "exit=$?" >"$out.exit"
python3 - "$out" "$name" "$mode" <<'PY'
import glob, json, re, sys
out, name, mode = sys.argv[1:]
r = json.load(open(out + "/results.json"))
i = r["integrity"]
truth = {}
for log in glob.glob(out + "/nodes/*.log"):
    node = log.rsplit("/", 1)[1][:-4]
    for line in open(log):
        m = re.match(r"test-faults: image=(\S+) (.*)", line)
        if m:
            truth[node] = {k: int(v) for k, v in (kv.split("=") for kv in m.group(2).split())}
want = {"lost_writes": 0, "stale_reads": 0, "torn_blocks": 0, "misdirected": 0, "diverged_blocks": 0}
if mode == "on":
    if name == "ack-then-drop":
        want["lost_writes"] = want["diverged_blocks"] = truth["node1"]["dropped_sectors"]
        assert truth["node1"]["dropped_sectors"] > 0, "node1 dropped nothing"
    elif name == "stale-after-heal":
        want["stale_reads"] = truth["node1"]["stale_sectors_served"]
        want["diverged_blocks"] = truth["node1"]["stale_sectors_now"]
        assert truth["node1"]["stale_sectors_served"] > 0, "node1 served nothing stale"
    elif name == "silent-divergence":
        want["diverged_blocks"] = truth["node2"]["diverged_sectors"]
        assert truth["node2"]["diverged_sectors"] > 0, "node2 corrupted nothing"
got = {k: i[k] for k in want}
ok = got == want and i["unverified_blocks"] == 0 and i["checked_blocks"] > 0
if name == "stale-after-heal":
    ok = ok and any(e["kind"] == "wait" and e["ok"] for e in r["events"])
print(("ok  " if ok else "BAD ") + f"{name} {mode} seed {out.rsplit('-', 1)[1]}: got {got} want {want}")
PY
SH

jobs=()
for name in ack-then-drop stale-after-heal silent-divergence; do
  for mode in on off; do
    for seed in $(seq 1 "$SEEDS"); do jobs+=("$name $seed $mode"); done
  done
done
printf '%s\n' "${jobs[@]}" |
  xargs -P 2 -L 1 bash -c 'bash "$0" "$1" "$2" "$3" "$4" "$5" "$6"' "$WORK/run_one.sh" "$HB" "$NEG" "$WORK" \
  >"$WORK/lines" 2>&1 || true
sort "$WORK/lines"
total=$(grep -c '' "$WORK/lines" || true)
good=$(grep -c '^ok ' "$WORK/lines" || true)
[ "$total" -eq "${#jobs[@]}" ] || fail "$total of ${#jobs[@]} runs reported (see above)"
[ "$good" -eq "$total" ] || fail "$((total - good)) of $total runs miscounted"
# Exit codes: planted damage fails the SLOs (1), clean runs pass (0).
for name in ack-then-drop stale-after-heal silent-divergence; do
  grep -q '^exit=1$' "$WORK/$name-on-1.exit" || fail "$name with fault mode: exit $(cat "$WORK/$name-on-1.exit"), want 1"
  grep -q '^exit=0$' "$WORK/$name-off-1.exit" || fail "$name without: exit $(cat "$WORK/$name-off-1.exit"), want 0"
done
pass "$total runs: every planted problem counted exactly, none without ($SEEDS seeds each)"
