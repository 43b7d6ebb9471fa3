#!/usr/bin/env bash
# `healbench report` and `healbench compare` end to end: two short null runs each leave a
# report.html, compare shows both runs (table, --json, --html), report re-renders an old
# results.json, and bad input / unwritable output give exit 2 / 3 naming the file.
source "$(dirname "$0")/lib.sh"

for name in alpha beta; do
  expect_exit 0 "$HB" run --set run.name="$name" --set backend.kind=null --set run.duration=1s \
    --set run.interval=100ms --out "$WORK/$name" -q
  [ -s "$WORK/$name/report.html" ] || fail "run wrote no $WORK/$name/report.html"
  grep -q 'id="healbench-data"' "$WORK/$name/report.html" || fail "report.html embeds the data"
  grep -q "<h1>healbench report: $name</h1>" "$WORK/$name/report.html" || fail "report.html names the run"
done
pass "run writes report.html"

expect_exit 0 "$HB" compare "$WORK/alpha" "$WORK/beta/results.json"
expect_contains "$OUT" "alpha" "table has the first run"
expect_contains "$OUT" "beta" "table has the second run"
expect_contains "$OUT" "max stall" "table has the max stall row"
expect_contains "$OUT" "SLO pass" "table has the SLO row"
expect_contains "$OUT" "* best value" "table explains the mark"
pass "compare table"

"$HB" compare "$WORK/alpha" "$WORK/beta" --json >"$WORK/cmp.json" || fail "compare --json"
json_check "$WORK/cmp.json" '[x["label"] for x in r["runs"]] == ["alpha", "beta"]' "--json lists both runs"
json_check "$WORK/cmp.json" 'r["rows"][0]["metric"] == "max_stall_s" and len(r["rows"][0]["values"]) == 2' "--json rows"
json_check "$WORK/cmp.json" 'r["rows"][-1]["values"] == [True, True]' "--json SLO pass"
pass "compare --json"

expect_exit 0 "$HB" compare "$WORK/alpha" "$WORK/beta" --html "$WORK/cmp.html"
grep -q '"runs":' "$WORK/cmp.html" || fail "compare --html embeds the runs"
grep -q '<th>alpha</th><th>beta</th>' "$WORK/cmp.html" || fail "compare --html table header"
pass "compare --html"

expect_exit 0 "$HB" report "$WORK/alpha/results.json" --html "$WORK/again.html" --csv "$WORK/again.csv"
[ -s "$WORK/again.html" ] || fail "report --html wrote nothing"
cmp -s "$WORK/again.csv" "$WORK/alpha/timeseries.csv" || fail "report --csv differs from the run's timeseries.csv"
expect_contains "$OUT" "healbench" "report prints the terminal summary"
# Re-rendered from results.json, the page is the one the run wrote.
cmp -s "$WORK/again.html" "$WORK/alpha/report.html" || fail "report --html differs from the run's report.html"
pass "report re-renders an old results.json"

expect_exit 2 "$HB" compare "$WORK/alpha" "$WORK/missing.json"
expect_contains "$ERR" "$WORK/missing.json" "compare names the missing file"
echo '{"schema": "healbench/9"}' >"$WORK/future.json"
expect_exit 2 "$HB" report "$WORK/future.json" --html "$WORK/x.html"
expect_contains "$ERR" "$WORK/future.json: schema is \"healbench/9\"" "report names the file and the schema"
echo '{"schema": ' >"$WORK/broken.json"
expect_exit 2 "$HB" compare "$WORK/broken.json"
expect_contains "$ERR" "$WORK/broken.json: not JSON" "compare names the broken file"
expect_exit 2 "$HB" report
expect_exit 2 "$HB" compare
expect_exit 3 "$HB" report "$WORK/alpha" --html "$WORK/no-such-dir/r.html" -q
expect_contains "$ERR" "$WORK/no-such-dir/r.html" "write failure names the file"
expect_exit 3 "$HB" compare "$WORK/alpha" --html "$WORK/no-such-dir/c.html"
pass "bad input exits 2, write failure exits 3"
