#!/usr/bin/env bash
# `healbench probe` end to end on real captured tool output: stand-in `gluster` and
# `drbdsetup` programs in PATH print live GlusterFS captures and DRBD samples (the parser
# fixtures), so the whole path — argv, timeout, parser, exit code, --json — is exercised as
# an operator would use it. Also: a status CLI that hangs gives exit 3 within the timeout.
source "$(dirname "$0")/lib.sh"
FIX="$SRC/tests/unit/harness/probes/fixtures"
mkdir -p "$WORK/bin"

# Prints a fixture without its capture header/footer lines ("$ cmd", "[rc=N]", "# ...").
fake() {  # fake PROGRAM FIXTURE [EXIT]
  cat >"$WORK/bin/$1" <<SH
#!/bin/sh
grep -v -e '^\\\$ ' -e '^\\[rc=[0-9]*\\]\$' -e '^# ' "$2"
exit ${3:-0}
SH
  chmod +x "$WORK/bin/$1"
}
export PATH="$WORK/bin:$PATH"

fake gluster "$FIX/gluster/healthy-heal-info-summary.xml.txt"
expect_exit 0 "$HB" probe gluster --volume r2
expect_contains "$OUT" "in_sync" "healthy gluster volume"

fake gluster "$FIX/gluster/b1_sigstop_pt42-healing-heal-info-summary.xml.txt"
expect_exit 1 "$HB" probe gluster --volume r2 --json
python3 -c '
import json, sys
s = json.loads(sys.argv[1])
assert s["state"] in ("healing", "degraded"), s
assert s["pending_entries"] and s["pending_entries"] > 0, s
assert False in s["safe_to_stop"].values(), s
' "$OUT" || fail "healing gluster volume as JSON: $OUT"
pass "gluster probe on live captures (healthy: exit 0; healing: exit 1, pending, not safe)"

fake drbdsetup "$FIX/drbd/drbd9_status_json_syncsource_start_nan.txt"
expect_exit 1 "$HB" probe drbd --json
expect_contains "$OUT" '"state": "healing"' "drbd resync (with nan in the JSON) is healing"
fake drbdsetup "$FIX/drbd/drbd9_status_json_connected_uptodate.txt"
expect_exit 0 "$HB" probe drbd
pass "drbd probe"

cat >"$WORK/bin/gluster" <<'SH'
#!/bin/sh
sleep 30
SH
start=$(date +%s.%N)
expect_exit 3 "$HB" probe gluster --volume r2 --timeout 500ms
took=$(python3 -c "print($(date +%s.%N) - $start)")
python3 -c "import sys; sys.exit(0 if $took < 5 else 1)" || fail "hung CLI held the probe for ${took}s"
expect_contains "$OUT" "timed out" "the hang is named"
printf '#!/bin/sh\necho "<html>proxy error</html>"\n' >"$WORK/bin/gluster"
expect_exit 3 "$HB" probe gluster --volume r2
pass "hung and garbage status commands: unknown, exit 3"

expect_exit 2 "$HB" probe gluster
expect_contains "$ERR" "--volume" "missing volume named"
expect_exit 2 "$HB" probe ref
pass "bad probe input: exit 2"
