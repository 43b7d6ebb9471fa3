#!/usr/bin/env bash
# Every scenario in scenarios/block/ validates, and each single-target one (the quorum ones are
# nbd_quorum_test.sh's) runs against the block lab
# (tests/block/block-lab.sh: tgtd and nbdkit on loopback) on ports of its own, shortened from
# 10 s faults in a 40 s run to 3 s faults in a 10 s run (max_stall 5 s): each meets its SLOs, one
# stall of about the fault, no errors and no lost writes; the lab stops and frees its ports.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tgt_lib.sh"
shopt -s nullglob
files=("$SRC"/scenarios/block/*.toml)
[ ${#files[@]} -gt 0 ] || fail "no scenarios in $SRC/scenarios/block"
for f in "${files[@]}"; do expect_exit 0 "$HB" validate "$f"; done
pass "${#files[@]} block scenarios validate"

tgt_usable
command -v nbdkit >/dev/null || { echo "skip: running them needs nbdkit"; exit 0; }
export HB_BLOCK_DIR="$WORK/lab" HB_ISCSI_PORT HB_NBD_PORT HB_NBD_R0_PORT HB_NBD_R1_PORT \
  HB_NBD_QUORUM_PORT
HB_ISCSI_PORT=$(free_port)
HB_NBD_PORT=$(free_port)
HB_NBD_R0_PORT=$(free_port)
HB_NBD_R1_PORT=$(free_port)
HB_NBD_QUORUM_PORT=$(free_port)
LAB="$SRC/tests/block/block-lab.sh"
on_exit "'$LAB' down"
"$LAB" up >/dev/null

for f in "${files[@]}"; do
  name=$(basename "$f" .toml)
  # The quorum layout (stale blocks after a cut, faults through nft): nbd_quorum_test.sh.
  case "$name" in nbd-quorum-*) continue ;; esac
  sed -e "s|127.0.0.1:3260\"|127.0.0.1:$HB_ISCSI_PORT\"|; s|127.0.0.1:3260/|127.0.0.1:$HB_ISCSI_PORT/|" \
      -e "s|127.0.0.1:3261|127.0.0.1:$(free_port)|g; s|127.0.0.1:3262|127.0.0.1:$(free_port)|g" \
      -e "s|127.0.0.1:10809|127.0.0.1:$HB_NBD_PORT|; s|127.0.0.1:10810|127.0.0.1:$(free_port)|g" \
      -e "s|/var/tmp/healbench-block|$HB_BLOCK_DIR|" \
      -e 's|^duration = "40s"|duration = "10s"|; s|^at = "10s"|at = "3s"|; s|^after = "10s"|after = "3s"|' \
      -e 's|^max_stall = "12s"|max_stall = "5s"|' "$f" >"$WORK/$name.toml"
  grep -v '^#' "$WORK/$name.toml" | grep -Eq '127\.0\.0\.1:(3260|3261|3262|10809|10810)([^0-9]|$)|healbench-block' &&
    fail "$name: a shipped address was not replaced"
  expect_exit 0 "$HB" run "$WORK/$name.toml" --out "$WORK/$name" -q
  R="$WORK/$name/results.json"
  echo "$name: stalls $(json_get "$R" '[round(s["duration_s"], 3) for s in r["stalls"]]'), ios $(json_get "$R" 'sum(t["ios"] for t in r["totals"].values())')"
  json_check "$R" 'len(r["stalls"]) == 1 and 2.8 <= r["stalls"][0]["duration_s"] <= 3.6' "$name: one stall of about 3 s"
  json_check "$R" 'sum(t["errors"] for t in r["totals"].values()) == 0' "$name: no errors"
  json_check "$R" 'r["integrity"]["lost_writes"] == 0 and r["integrity"]["blocks_read_back"] > 0' "$name: no lost writes"
  json_check "$R" 'r["slo"]["pass"]' "$name: SLOs met"
  pass "$name"
done
"$LAB" down
pass "block lab stopped, ports free"
