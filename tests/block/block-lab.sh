#!/usr/bin/env bash
# A local block-storage lab for the scenarios in scenarios/block/: tgtd (Debian's tgt) serving
# one 1 GiB LUN on 127.0.0.1:3260 and nbdkit serving a 1 GiB sparse file on 127.0.0.1:10809,
# both bound to loopback, with their state in one directory. nbdkit 1.32 (Debian 12) may abort
# ("raw_send_socket: Assertion `sock >= 0'") when a client connection is reset while it writes
# a reply, so it runs under a small supervisor that restarts it on the same file, as a service
# manager would; each restart is logged in nbdkit.log.
# The replicated part: two nbdkit replicas (replica0.img, replica1.img) on 10811 and 10812 and
# in front of them qemu-nbd on 10813 serving a quorum device (qemu's RAID-1-like driver, the
# one KVM can use) whose two children are NBD connections to the replicas; each of the three
# runs under the same supervisor. See scenarios/block/nbd-quorum-*.toml.
#   block-lab.sh up | down | status
# Environment: HB_BLOCK_DIR (/var/tmp/healbench-block), HB_ISCSI_PORT (3260),
# HB_NBD_PORT (10809), HB_NBD_R0_PORT (10811), HB_NBD_R1_PORT (10812),
# HB_NBD_QUORUM_PORT (10813), HB_QUORUM_RECONNECT_DELAY_S (5). Needs root (tgtd).
set -euo pipefail
DIR="${HB_BLOCK_DIR:-/var/tmp/healbench-block}"
ISCSI_PORT="${HB_ISCSI_PORT:-3260}"
NBD_PORT="${HB_NBD_PORT:-10809}"
R0_PORT="${HB_NBD_R0_PORT:-10811}"
R1_PORT="${HB_NBD_R1_PORT:-10812}"
QUORUM_PORT="${HB_NBD_QUORUM_PORT:-10813}"
QUORUM_RECONNECT_DELAY_S="${HB_QUORUM_RECONNECT_DELAY_S:-5}"
IQN="iqn.2026-01.org.healbench:lab"
CTL=$((ISCSI_PORT % 30000 + 1000))  # tgtd's management channel (at most 32767)

listening() { [ -n "$(ss -Hltn "sport = :$1")" ]; }
wait_listening() {
  for _ in $(seq 50); do listening "$1" && return 0; sleep 0.1; done
  echo "block-lab: nothing listens on port $1" >&2; exit 3
}
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# supervise NAME PORT CMD...: runs CMD (a foreground server writing its pid to $DIR/NAME.pid)
# again whenever it exits, until $DIR/NAME.stop exists; the loop's pid is in
# $DIR/NAME-supervisor.pid, output in $DIR/NAME.log. Waits until PORT listens.
supervise() {
  local name="$1" port="$2"
  shift 2
  alive "$DIR/$name-supervisor.pid" && return 0
  rm -f "$DIR/$name.stop"
  (
    while [ ! -e "$DIR/$name.stop" ]; do
      "$@" </dev/null >>"$DIR/$name.log" 2>&1 || echo "block-lab: $name exited; restarting" \
        >>"$DIR/$name.log"
      sleep 0.1
    done
  ) </dev/null >/dev/null 2>&1 &
  echo $! >"$DIR/$name-supervisor.pid"
  wait_listening "$port"
}

# unsupervise NAME: stops the loop and then the server, by pid, and waits for both to exit.
# nbdkit 1.32 does not exit on SIGTERM while a client connection is half-open (its client was
# reset by a cut and never told it), so after 5 s it is killed, and the log says so.
unsupervise() {
  local name="$1" pid
  touch "$DIR/$name.stop"
  if alive "$DIR/$name.pid"; then
    pid=$(cat "$DIR/$name.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "block-lab: $name (pid $pid) ignored SIGTERM for 5 s; killed" >>"$DIR/$name.log"
      kill -9 "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  fi
  if alive "$DIR/$name-supervisor.pid"; then
    pid=$(cat "$DIR/$name-supervisor.pid")
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill "$pid" 2>/dev/null || true
  fi
  rm -f "$DIR/$name.pid" "$DIR/$name-supervisor.pid" "$DIR/$name.stop"
}

# The quorum device's options: vote-threshold=1 (a write succeeds while one child takes it),
# reads from child 0 and only on its error from child 1 (fifo), and children that reconnect
# (reconnect-delay: how long a request waits for a lost child before it fails on that child).
quorum_opts() {
  local opts="driver=quorum,vote-threshold=1,read-pattern=fifo" i port
  for i in 0 1; do
    port=$R0_PORT
    [ "$i" = 1 ] && port=$R1_PORT
    opts+=",children.$i.driver=nbd,children.$i.server.type=inet"
    opts+=",children.$i.server.host=127.0.0.1,children.$i.server.port=$port"
    opts+=",children.$i.reconnect-delay=$QUORUM_RECONNECT_DELAY_S"
  done
  echo "$opts"
}

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
  [ -e "$DIR/nbd.img" ] || truncate -s 1G "$DIR/nbd.img"
  supervise nbdkit "$NBD_PORT" nbdkit -f -P "$DIR/nbdkit.pid" -p "$NBD_PORT" -i 127.0.0.1 \
    file "$DIR/nbd.img"
  local r
  for r in 0 1; do
    [ -e "$DIR/replica$r.img" ] || truncate -s 1G "$DIR/replica$r.img"
  done
  supervise replica0 "$R0_PORT" nbdkit -f -P "$DIR/replica0.pid" -p "$R0_PORT" -i 127.0.0.1 \
    file "$DIR/replica0.img"
  supervise replica1 "$R1_PORT" nbdkit -f -P "$DIR/replica1.pid" -p "$R1_PORT" -i 127.0.0.1 \
    file "$DIR/replica1.img"
  # -t: keep serving after the last client; -e 8: healbench opens one connection per worker
  # plus a probe and the verify pass.
  supervise quorum "$QUORUM_PORT" qemu-nbd -t -e 8 -b 127.0.0.1 -p "$QUORUM_PORT" \
    --pid-file "$DIR/quorum.pid" --image-opts "$(quorum_opts)"
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
  unsupervise quorum
  unsupervise replica0
  unsupervise replica1
  unsupervise nbdkit
  rm -f "$DIR/tgtd.pid" "$DIR/nbd.img" "$DIR/replica0.img" "$DIR/replica1.img" \
    "$DIR/lun1.img" "/var/run/tgtd/socket.$CTL" "/var/run/tgtd/socket.$CTL.lock"
  for p in "$ISCSI_PORT" "$NBD_PORT" "$R0_PORT" "$R1_PORT" "$QUORUM_PORT"; do
    if listening "$p"; then echo "block-lab: port $p still has a listener" >&2; exit 3; fi
  done
}

status() {
  echo "iscsi://127.0.0.1:$ISCSI_PORT/$IQN/1 $(alive "$DIR/tgtd.pid" && echo "tgtd pid $(cat "$DIR/tgtd.pid")" || echo down)"
  echo "nbd://127.0.0.1:$NBD_PORT $(alive "$DIR/nbdkit.pid" && echo "nbdkit pid $(cat "$DIR/nbdkit.pid")" || echo down)"
  echo "nbd://127.0.0.1:$R0_PORT $(alive "$DIR/replica0.pid" && echo "nbdkit replica0 pid $(cat "$DIR/replica0.pid")" || echo down)"
  echo "nbd://127.0.0.1:$R1_PORT $(alive "$DIR/replica1.pid" && echo "nbdkit replica1 pid $(cat "$DIR/replica1.pid")" || echo down)"
  echo "nbd://127.0.0.1:$QUORUM_PORT $(alive "$DIR/quorum.pid" && echo "qemu-nbd quorum pid $(cat "$DIR/quorum.pid")" || echo down)"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
