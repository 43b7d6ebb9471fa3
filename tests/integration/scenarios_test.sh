#!/usr/bin/env bash
# Every scenario shipped in scenarios/ validates and runs as shipped (shortened to 1 s).
source "$(dirname "$0")/lib.sh"
shopt -s nullglob
files=("$SRC"/scenarios/*.toml)
[ ${#files[@]} -gt 0 ] || fail "no scenarios in $SRC/scenarios"
for f in "${files[@]}"; do
  expect_exit 0 "$HB" validate "$f"
  name=$(basename "$f" .toml)
  # Image files go to the test's own directory, never over what a shipped path holds.
  extra=()
  grep -q '^kind = "file"' "$f" && extra=(--set "backend.path=$WORK")
  # Exit 1 (an SLO missed on a loaded machine) still means it ran; 2 or 3 do not.
  set +e
  "$HB" run "$f" --set run.duration=1s --set run.interval=500ms --set images.size=64MiB "${extra[@]}" \
    --out "$WORK/$name" -q >"$WORK/$name.log" 2>&1
  rc=$?
  set -e
  [ "$rc" = 0 ] || [ "$rc" = 1 ] || { cat "$WORK/$name.log"; fail "$f: exit $rc"; }
  json_check "$WORK/$name/results.json" 'sum(t["ios"] for t in r["totals"].values()) > 0' "$name did I/O"
  pass "$name"
done
