# tgtd (Debian's tgt) for the iSCSI tests, sourced after lib.sh: a target daemon of the test's
# own on 127.0.0.1, its management socket named after its port, stopped by pid with
# `tgtadm --op delete --mode system` and its port checked free afterwards.

# tgt_ctl PORT: the management channel number of the tgtd on PORT (tgtd takes at most 32767).
tgt_ctl() { echo $(( $1 % 30000 + 1000 )); }

# start_tgtd NAME PORT: tgtd in the foreground of a background job.
start_tgtd() {
  local name="$1" port="$2"
  tgtd -f -C "$(tgt_ctl "$port")" --iscsi portal="127.0.0.1:$port" </dev/null >"$WORK/$name.log" 2>&1 &
  echo $! >"$WORK/$name.pid"
  on_exit "stop_tgtd '$name' '$port'"
  for _ in $(seq 50); do listening "$port" && return 0; sleep 0.1; done
  cat "$WORK/$name.log" >&2
  fail "tgtd did not listen on port $port"
}

# tgt_lun PORT TID IQN LUN FILE SIZE [readonly]: a target (created with its first LUN) whose
# LUN is FILE, a sparse backing file of SIZE (truncate syntax), open to any initiator.
tgt_lun() {
  local port="$1" tid="$2" iqn="$3" lun="$4" file="$5" size="$6" ro="${7:-}"
  truncate -s "$size" "$file"
  if [ "$lun" = 1 ]; then
    tgtadm -C "$(tgt_ctl "$port")" --lld iscsi --op new --mode target --tid "$tid" -T "$iqn"
    tgtadm -C "$(tgt_ctl "$port")" --lld iscsi --op bind --mode target --tid "$tid" -I ALL
  fi
  tgtadm -C "$(tgt_ctl "$port")" --lld iscsi --op new --mode logicalunit --tid "$tid" --lun "$lun" -b "$file"
  if [ -n "$ro" ]; then
    tgtadm -C "$(tgt_ctl "$port")" --lld iscsi --op update --mode logicalunit --tid "$tid" --lun "$lun" \
      --params readonly=1
  fi
}

# stop_tgtd NAME PORT: thaws it (a test may have frozen it), removes its targets, asks it to
# stop (`tgtadm --op delete --mode system`), waits for the pid to exit, checks the port is free.
stop_tgtd() {
  local name="$1" port="$2" pid
  pid=$(cat "$WORK/$name.pid" 2>/dev/null) || return 0
  kill -CONT "$pid" 2>/dev/null || true
  # tgtd refuses to stop while it has targets: remove them (sessions and all) first.
  local ctl tid
  ctl=$(tgt_ctl "$port")
  for tid in $(tgtadm -C "$ctl" --lld iscsi --op show --mode target 2>/dev/null |
               sed -n 's/^Target \([0-9]*\):.*/\1/p'); do
    tgtadm -C "$ctl" --lld iscsi --op delete --force --mode target --tid "$tid" || true
  done
  tgtadm -C "$ctl" --lld iscsi --op delete --mode system || kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fail "tgtd $pid did not stop"; fi
  rm -f "$WORK/$name.pid" "/var/run/tgtd/socket.$(tgt_ctl "$port")" "/var/run/tgtd/socket.$(tgt_ctl "$port").lock"
  if listening "$port"; then fail "port $port still has a listener after tgtd stopped"; fi
}

# tgt_usable: prints a skip reason and exits 0 where tgtd or the iscsi backend is missing.
tgt_usable() {
  "$HB" backends | grep -q '^iscsi  *available' || { echo "skip: healbench built without libiscsi"; exit 0; }
  command -v tgtd >/dev/null && command -v tgtadm >/dev/null || { echo "skip: tgt not installed"; exit 0; }
  [ "$(id -u)" = 0 ] || { echo "skip: tgtd needs root"; exit 0; }
}
