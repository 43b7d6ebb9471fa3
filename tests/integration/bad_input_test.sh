#!/usr/bin/env bash
# Hostile input through the real binary: broken scenario files must exit 2 with a message
# naming the file, the line and key, and the problem (cli_test.sh covers a bad duration
# suffix, an unknown key and a missing file); status commands that print garbage must give
# `unknown` with a reason and exit 3, never a crash, in text and --json.
source "$(dirname "$0")/lib.sh"

# bad_scenario NAME 'EXPECTED TEXT' ...: NAME.toml (from stdin) must be refused with exit 2
# by `validate`, and stderr must contain each expected text.
bad_scenario() {
  local name="$1"; shift
  cat >"$WORK/$name.toml"
  expect_exit 2 "$HB" validate "$WORK/$name.toml"
  local want
  for want in "$@"; do expect_contains "$ERR" "$want" "$name"; done
  case "$ERR" in *"terminate called"*|*Sanitizer*|*"runtime error"*) fail "$name: $ERR";; esac
}

bad_scenario syntax "syntax.toml:2:" "TOML syntax error" <<'TOML'
[run]
duration = "10s
TOML
bad_scenario wrong_type "wrong_type.toml:2: key images.count" "integer" <<'TOML'
[images]
count = "two"
TOML
bad_scenario out_of_range "out_of_range.toml:3: key workload.iodepth" "0 is out of range (1..4096)" <<'TOML'
[workload]
profile = "randrw"
iodepth = 0
TOML
bad_scenario read_pct_range "read_pct_range.toml:2: key workload.read_pct" "150 is out of range (0..100)" <<'TOML'
[workload]
read_pct = 150
TOML
bad_scenario unknown_section "unknown_section.toml:1:" "unknown section [rn]" "[run]" <<'TOML'
[rn]
duration = "10s"
TOML
bad_scenario unknown_node "unknown_node.toml:7: key fault[0].node" 'node "node3" is not defined' <<'TOML'
[backend]
kind = "ref"
replicas = 2
[[fault]]
at = "1s"
action = "freeze"
node = "node3"
TOML
bad_scenario unknown_action "unknown_action.toml:4: key fault[0].action" '"explode" is not one of' <<'TOML'
[backend]
kind = "ref"
[[fault]]
action = "explode"
node = "node1"
at = "1s"
TOML
bad_scenario duration_abc "duration_abc.toml:2: key run.duration" 'invalid duration "abc"' <<'TOML'
[run]
duration = "abc"
TOML
bad_scenario size_negative "size_negative.toml:2: key images.size" '"-1GiB": must not be negative' <<'TOML'
[images]
size = "-1GiB"
TOML
bad_scenario size_zettabyte "size_zettabyte.toml:2: key images.size" '"1ZiB": units above P (PiB) are too large' <<'TOML'
[images]
size = "1ZiB"
TOML
bad_scenario size_overflow "size_overflow.toml:2: key images.size" '"99999999999PiB": too large' <<'TOML'
[images]
size = "99999999999PiB"
TOML
bad_scenario not_utf8 "not_utf8.toml:2:" "invalid utf-8" <<<$'[run]\nname = "\xff\xfe"'
bad_scenario binary "binary.toml:" "TOML syntax error" < <(python3 -c '
import random, sys; random.seed(10); sys.stdout.buffer.write(random.randbytes(2048))')
# toml++ 3.3.0 asserts on "[[[" in its debug form (found by tests/fuzz/scenario_loader_fuzz.cc).
bad_scenario triple_bracket "triple_bracket.toml:3:3: TOML syntax error" <<'TOML'
[run]
duration = "5s"
[[[fault]]
at = "1s"
TOML
# toml++ 3.3.0 reaches an unreachable branch on U+0170 outside a string (found by the same
# fuzz target); the library healbench links reports it as a syntax error.
bad_scenario unicode_outside_string "unicode_outside_string.toml:1:1: TOML syntax error" \
  <<<$'\xc5\xb0#'
pass "broken scenario files: exit 2 naming file, line, key and problem"

expect_exit 2 "$HB" run --set run.duration=abc --set backend.kind=null --out "$WORK/never"
expect_contains "$ERR" "--set run.duration" "a bad --set names the set"
[ ! -e "$WORK/never" ] || fail "a refused scenario must run nothing"
expect_exit 2 "$HB" probe gluster --volume v --timeout abc
expect_contains "$ERR" "--timeout" "a bad CLI duration names the option"
pass "bad command-line values: exit 2 naming the option"

# Status commands that print random bytes, or text of the wrong shape.
mkdir -p "$WORK/bin"
python3 -c 'import random, sys; random.seed(11); sys.stdout.buffer.write(random.randbytes(4096))' \
  >"$WORK/random.bin"
printf '<html>\n<body>502 Bad Gateway {"a": [1, \n' >"$WORK/wrong-text.txt"
for garbage in "$WORK/random.bin" "$WORK/wrong-text.txt"; do
  for prog in gluster drbdsetup ceph garbage-prefix; do  # md reads /proc/mdstat via --prefix
    printf '#!/bin/sh\ncat "%s"\n' "$garbage" >"$WORK/bin/$prog"
    chmod +x "$WORK/bin/$prog"
  done
  for probe in "gluster --volume v" "drbd" "ceph" "md --prefix $WORK/bin/garbage-prefix" \
               "command --command 'cat $garbage' --in-sync-regex OK"; do
    for json in "" "--json"; do
      eval "set -- $probe"
      # shellcheck disable=SC2086  # $json is no word or one
      expect_exit 3 env PATH="$WORK/bin:$PATH" "$HB" probe "$@" $json
      what="probe $probe $json on $(basename "$garbage")"
      if [ -n "$json" ]; then
        python3 -c 'import json,sys; s=json.loads(sys.argv[1]); assert s["state"]=="unknown" and s["detail"], s' \
          "$OUT" || fail "$what: $OUT"
      else
        expect_contains "$OUT" "unknown" "$what"
        [ "$(echo "$OUT" | wc -l)" -ge 2 ] || fail "$what: no reason given: $OUT"
      fi
    done
  done
done
pass "garbage status output: unknown with a reason, exit 3, in text and --json"

# Names that are not UTF-8 (a brick path in Latin-1) still print, in text and as JSON.
printf '#!/bin/sh\nprintf "Brick h:/caf\\351\\nStatus: Connected\\nNumber of entries: 0\\n"\n' \
  >"$WORK/bin/gluster"
expect_exit 0 env PATH="$WORK/bin:$PATH" "$HB" probe gluster --volume v --json
python3 -c 'import json,sys; s=json.loads(sys.argv[1]); assert s["state"]=="in_sync" and len(s["safe_to_stop"])==1, s' \
  "$OUT" || fail "non-UTF-8 brick name as JSON: $OUT"
expect_exit 0 env PATH="$WORK/bin:$PATH" "$HB" probe gluster --volume v
expect_contains "$OUT" "in_sync" "non-UTF-8 brick name as text"
pass "non-UTF-8 names in status output: printed, not thrown on"
