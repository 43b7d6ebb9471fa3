#!/usr/bin/env bash
# A local block-storage lab for the scenarios in scenarios/block/: tgtd (Debian's tgt) serving
# one 1 GiB LUN on 127.0.0.1:3260 and nbdkit serving a 1 GiB sparse file on 127.0.0.1:10809,
# both bound to loopback, with their state in one directory. nbdkit 1.32 (Debian 12) may abort
# ("raw_send_socket: Assertion `sock >= 0'") when a client connection is reset while it writes
# a reply, so it runs under a small supervisor that restarts it on the same file, as a service
# manager would; each restart is logged in nbdkit.log.
#   block-lab.sh up | down | status
# Environment: HB_BLOCK_DIR (/var/tmp/healbench-block), HB_ISCSI_PORT (3260),
# HB_NBD_PORT (10809). Needs root (tgtd).
set -euo pipefail
DIR="${HB_BLOCK_DIR:-/var/tmp/healbench-block}"
ISCSI_PORT="${HB_ISCSI_PORT:-3260}"
NBD_PORT="${HB_NBD_PORT:-10809}"
IQN="iqn.2026-01.org.healbench:lab"
CTL=$((ISCSI_PORT % 30000 + 1000))  # tgtd's management channel (at most 32767)

listening() { [ -n "$(ss -Hltn "sport = :$1")" ]; }
wait_listening() {
  for _ in $(seq 50); do listening "$1" && return 0; sleep 0.1; done
  echo "block-lab: nothing listens on port $1" >&2; exit 3
}
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

up() {
  mkdir -p "$DIR"
  if ! alive "$DIR/tgtd.pid"; then
    tgtd -f -C "$CTL" --iscsi portal="127.0.0.1:$ISCSI_PORT" </dev/null >"$DIR/tgtd.log" 2>&1 &
    echo $! >"$DIR/tgtd.pid"
    wait_listening "$ISCSI_PORT"
    truncate -s 1G "$DIR/lun1.img"
    tgtadm -C "$CTL" --lld iscsi --op new --mode target --tid 1 -T "$IQN"
    tgtadm -C "$CTL" --lld iscsi --op new --mode logicalunit --tid 1 --lun 1 -b "$DIR/lun1.img"
    tgtadm -C "$CTL" --lld iscsi --op bind --mode target --tid 1 -I ALL
  fi
  if ! alive "$DIR/nbdkit-supervisor.pid"; then
    truncate -s 1G "$DIR/nbd.img"
    rm -f "$DIR/nbdkit.stop"
    (
      while [ ! -e "$DIR/nbdkit.stop" ]; do
        nbdkit -f -P "$DIR/nbdkit.pid" -p "$NBD_PORT" -i 127.0.0.1 file "$DIR/nbd.img" \
          </dev/null >>"$DIR/nbdkit.log" 2>&1 || echo "block-lab: nbdkit exited; restarting" \
          >>"$DIR/nbdkit.log"
        sleep 0.1
      done
    ) </dev/null >/dev/null 2>&1 &
    echo $! >"$DIR/nbdkit-supervisor.pid"
    wait_listening "$NBD_PORT"
  fi
  status
}

down() {
  if alive "$DIR/tgtd.pid"; then
    local pid
    pid=$(cat "$DIR/tgtd.pid")
    kill -CONT "$pid" 2>/dev/null || true
    tgtadm -C "$CTL" --lld iscsi --op delete --force --mode target --tid 1 || true
    tgtadm -C "$CTL" --lld iscsi --op delete --mode system || kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  touch "$DIR/nbdkit.stop"
  if alive "$DIR/nbdkit.pid"; then
    local pid
    pid=$(cat "$DIR/nbdkit.pid")
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  if alive "$DIR/nbdkit-supervisor.pid"; then
    local pid
    pid=$(cat "$DIR/nbdkit-supervisor.pid")
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill "$pid" 2>/dev/null || true
  fi
  rm -f "$DIR/tgtd.pid" "$DIR/nbdkit.pid" "$DIR/nbdkit-supervisor.pid" "$DIR/nbdkit.stop" \
    "$DIR/nbd.img" "$DIR/lun1.img" "/var/run/tgtd/socket.$CTL" \
    "/var/run/tgtd/socket.$CTL.lock"
  for p in "$ISCSI_PORT" "$NBD_PORT"; do
    if listening "$p"; then echo "block-lab: port $p still has a listener" >&2; exit 3; fi
  done
}

status() {
  echo "iscsi://127.0.0.1:$ISCSI_PORT/$IQN/1 $(alive "$DIR/tgtd.pid" && echo "tgtd pid $(cat "$DIR/tgtd.pid")" || echo down)"
  echo "nbd://127.0.0.1:$NBD_PORT $(alive "$DIR/nbdkit.pid" && echo "nbdkit pid $(cat "$DIR/nbdkit.pid")" || echo down)"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
