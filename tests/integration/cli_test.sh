#!/usr/bin/env bash
# The command line as a user meets it: usage, exit codes, `backends`, `validate` with good
# and broken scenarios, and refusals of what this version does not have.
source "$(dirname "$0")/lib.sh"

expect_exit 2 "$HB"
expect_contains "$ERR" "usage: healbench" "usage on no command"
expect_exit 2 "$HB" frobnicate
expect_contains "$ERR" 'unknown command "frobnicate"' "unknown command"
expect_exit 0 "$HB" --help
expect_contains "$OUT" "validate SCENARIO" "help lists validate"

expect_exit 0 "$HB" backends
expect_contains "$OUT" "file    available" "file backend available"
expect_contains "$OUT" "null    available" "null backend available"
expect_contains "$OUT" "ref     available" "ref backend available"
# Every optional backend is listed, built or not; one that is not built says why.
for b in nbd iscsi gfapi rbd; do
  grep -Eq "^$b +(available|unavailable) +[^ ]" <<<"$OUT" || fail "backends: no line for $b with a reason: $OUT"
done
pass "usage and backends"

cat >"$WORK/good.toml" <<TOML
[run]
name = "cli-good"
duration = "2s"
[backend]
kind = "null"
[images]
count = 2
size = "1GiB"
[workload]
profile = "randrw"
TOML
expect_exit 0 "$HB" validate "$WORK/good.toml"
expect_contains "$OUT" "ok" "validate ok"

cat >"$WORK/bad.toml" <<TOML
[run]
name = "cli-bad"
duration = "5x"
TOML
expect_exit 2 "$HB" validate "$WORK/bad.toml"
expect_contains "$ERR" "bad.toml:3" "error names file and line"
expect_contains "$ERR" "run.duration" "error names the key"

cat >"$WORK/unknown.toml" <<TOML
[workload]
profile = "randread"
iodepht = 4
TOML
expect_exit 2 "$HB" run "$WORK/unknown.toml" --out "$WORK/never"
expect_contains "$ERR" "unknown.toml:3" "unknown key names the line"
expect_contains "$ERR" "iodepht" "unknown key named"
[ ! -e "$WORK/never" ] || fail "a rejected scenario must run nothing (results dir was created)"

expect_exit 2 "$HB" validate "$WORK/does-not-exist.toml"
expect_contains "$ERR" "does-not-exist.toml" "missing file named"

expect_exit 2 "$HB" run --set backend.kind=file --set backend.path="$WORK/nope" --set run.duration=1s --out "$WORK/o1"
expect_contains "$ERR" "$WORK/nope" "missing backend path named"

expect_exit 2 "$HB" run --set backend.kind=null --set workload.verify=true --set run.duration=1s --out "$WORK/o2"
expect_contains "$ERR" "stores nothing" "verify on the null backend refused clearly"
expect_exit 2 "$HB" run --set backend.kind=iscsi --set run.duration=1s --out "$WORK/o3"
expect_contains "$ERR" "iscsi" "unbuilt backend refused clearly"
expect_exit 2 "$HB" run --set backend.kind=null --set run.duration=1s --metrics-listen nonsense --out "$WORK/o4"
expect_contains "$ERR" "--metrics-listen \"nonsense\"" "bad metrics address refused clearly"
expect_exit 2 "$HB" compare "$WORK/a.json" "$WORK/b.json"
expect_contains "$ERR" "$WORK/a.json" "compare names the unreadable file"
expect_exit 2 "$HB" run --set backend.kind=null --set probe.kind=ref --set run.duration=1s --out "$WORK/o5" -q
expect_contains "$ERR" 'probe.kind = "ref" needs backend.kind = "ref"' "ref probe on another backend refused"
pass "validate and refusals"
