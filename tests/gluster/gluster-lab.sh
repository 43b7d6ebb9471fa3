#!/usr/bin/env bash
# A local GlusterFS lab for healbench: one glusterd started by hand (no systemd), a replica 2
# volume (or replica 3 arbiter 1) with bricks on this host, a short ping-timeout, FUSE-mounted.
# Used by tests/integration/gluster_test.sh and by the scenarios in scenarios/gluster/.
#
#   tests/gluster/gluster-lab.sh up [--arbiter]   create/start/mount (idempotent)
#   tests/gluster/gluster-lab.sh down             unmount, delete the volume, stop every process
#                                                 of the lab, remove the work dir (also after a
#                                                 dead earlier run)
#   tests/gluster/gluster-lab.sh status           what is running, volume status, heal summary
#   tests/gluster/gluster-lab.sh brick-pid N      pid of brick N (1-based) — for pid_command
#   tests/gluster/gluster-lab.sh brick-port N     TCP port of brick N (changes on every restart)
#   tests/gluster/gluster-lab.sh cut N | restore  drop brick N's traffic with nft / undo it
#
# Settings (environment): HB_GLUSTER_DIR (/var/tmp/healbench-gluster: bricks/, mnt/, logs),
# HB_GLUSTER_VOLUME (hbvol), HB_GLUSTER_PING_TIMEOUT (5 s; GlusterFS's default is 42 s, and it
# takes effect on a mount only at mount time), HB_GLUSTER_IMAGE_SIZE (64M: the lab's own
# small image, mnt/lab.img). Needs root, glusterfs-server, glusterfs-client and /dev/fuse
# (scripts/install-deps.sh installs the packages). Every gluster CLI call runs under `timeout`:
# with a frozen brick some of them hang.
set -euo pipefail

DIR="${HB_GLUSTER_DIR:-/var/tmp/healbench-gluster}"
VOL="${HB_GLUSTER_VOLUME:-hbvol}"
PING_TIMEOUT="${HB_GLUSTER_PING_TIMEOUT:-5}"
IMAGE_SIZE="${HB_GLUSTER_IMAGE_SIZE:-64M}"
CLI_TIMEOUT="${HB_GLUSTER_CLI_TIMEOUT:-20}"
HOST="$(hostname)"
MNT="$DIR/mnt"
PIDFILE="$DIR/glusterd.pid"
NFT_TABLE="healbench_gluster_lab"
RUNDIR="/var/run/gluster/vols/$VOL"

log() { echo "gluster-lab: $*" >&2; }
die() { log "$*"; exit 1; }

# g ARGS...: the gluster CLI in script mode (no y/n prompts), under a timeout.
g() { timeout "$CLI_TIMEOUT" gluster --mode=script "$@"; }

glusterd_answers() { timeout 5 gluster --mode=script peer status >/dev/null 2>&1; }

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

our_glusterd_pid() {
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if alive "$pid" && grep -q glusterd "/proc/$pid/comm" 2>/dev/null; then echo "$pid"; fi
}

# The lab's processes, by pid: bricks (glusterfsd) serving bricks under $DIR, the FUSE client
# of $MNT, and the self-heal daemon (glusterfs --volfile-id shd/$VOL). Matching on our own
# paths and volume id keeps other gluster processes on the host untouched.
lab_pids() {
  local p cmd
  for p in /proc/[0-9]*; do
    cmd="$(tr '\0' ' ' 2>/dev/null <"$p/cmdline" || true)"
    case "$cmd" in
      *glusterfsd*"$DIR/bricks/"*|*glusterfs*" $MNT"|*glusterfs*" $MNT "*|*glusterfs*"shd/$VOL"*)
        echo "${p#/proc/}";;
    esac
  done
}

brick_path() { echo "$DIR/bricks/b$1"; }

# The volume's status as XML; fails when the CLI does not answer (e.g. a brick is frozen).
status_xml() { g volume status "$VOL" --xml 2>/dev/null; }

# brick_field N pid|port: one field of brick N from `volume status --xml`.
brick_field() {
  local xml
  xml="$(status_xml)" || return 1
  python3 - "$HOST:$(brick_path "$1")" "$2" "$xml" <<'PY'
import sys, xml.etree.ElementTree as ET
want, field, text = sys.argv[1], sys.argv[2], sys.argv[3]
root = ET.fromstring(text)
for node in root.iter("node"):
    name = (node.findtext("hostname") or "") + ":" + (node.findtext("path") or "")
    if name == want:
        value = node.findtext(field) or ""
        if value.strip().isdigit() and int(value) > 0:
            print(value.strip())
            sys.exit(0)
sys.exit(1)
PY
}

brick_pid() {
  # The pidfile glusterd keeps for the brick first: it answers while the brick is frozen, when
  # `volume status` says "Another transaction is in progress". Only a live glusterfsd counts.
  local f pid
  f="$RUNDIR/$HOST-$(brick_path "$1" | sed 's|^/||; s|/|-|g').pid"
  pid="$(cat "$f" 2>/dev/null || true)"
  if alive "$pid" && grep -q glusterfsd "/proc/$pid/comm" 2>/dev/null; then
    echo "$pid"
    return 0
  fi
  brick_field "$1" pid
}

replica_args() {
  if [ "${ARBITER:-0}" = 1 ]; then
    echo "replica 3 arbiter 1 $HOST:$(brick_path 1) $HOST:$(brick_path 2) $HOST:$(brick_path 3)"
  else
    echo "replica 2 $HOST:$(brick_path 1) $HOST:$(brick_path 2)"
  fi
}

start_glusterd() {
  if glusterd_answers; then
    [ -n "$(our_glusterd_pid)" ] || log "using the glusterd already running on this host"
    return 0
  fi
  mkdir -p "$DIR"
  glusterd -p "$PIDFILE" --log-file="$DIR/glusterd.log" || die "glusterd failed to start (see $DIR/glusterd.log)"
  for _ in $(seq 1 100); do
    glusterd_answers && return 0
    sleep 0.3
  done
  die "glusterd does not answer \`gluster peer status\` after 30 s (see $DIR/glusterd.log)"
}

cmd_up() {
  [ "$(id -u)" -eq 0 ] || die "needs root (glusterd, mount)"
  command -v glusterd >/dev/null || die "glusterd not installed (apt-get install glusterfs-server)"
  command -v mount.glusterfs >/dev/null || die "mount.glusterfs not installed (glusterfs-client)"
  [ -c /dev/fuse ] || die "/dev/fuse missing"
  mkdir -p "$DIR/bricks" "$MNT"
  start_glusterd

  if ! g volume info "$VOL" >/dev/null 2>&1; then
    local n=2
    [ "${ARBITER:-0}" = 1 ] && n=3
    for i in $(seq 1 "$n"); do mkdir -p "$(brick_path "$i")"; done
    # shellcheck disable=SC2046
    g volume create "$VOL" $(replica_args) force >/dev/null || die "volume create $VOL failed"
    log "created volume $VOL ($(replica_args | cut -d' ' -f1-4 | sed "s| $HOST:.*||"))"
  fi
  g volume set "$VOL" network.ping-timeout "$PING_TIMEOUT" >/dev/null ||
    die "volume set $VOL network.ping-timeout $PING_TIMEOUT failed"
  if ! g volume info "$VOL" | grep -q '^Status: Started'; then
    g volume start "$VOL" >/dev/null || die "volume start $VOL failed"
  elif g volume status "$VOL" --xml | grep -q '<status>0</status>'; then
    g volume start "$VOL" force >/dev/null || die "volume start $VOL force failed"  # dead bricks
  fi

  if ! mountpoint -q "$MNT"; then
    # ping-timeout is read at mount time; a mount made earlier keeps the old value.
    mount -t glusterfs "$HOST:/$VOL" "$MNT" || die "mount -t glusterfs $HOST:/$VOL $MNT failed"
  fi
  for _ in $(seq 1 50); do  # the client connects to the bricks just after mount returns
    [ "$(g volume heal "$VOL" info summary 2>/dev/null | grep -c 'Brick is Up\|Status: Connected')" -ge 2 ] && break
    sleep 0.2
  done
  if [ ! -f "$MNT/lab.img" ]; then
    truncate -s "$IMAGE_SIZE" "$MNT/lab.img"
    dd if=/dev/zero of="$MNT/lab.img" bs=1M count=1 conv=notrunc,fsync status=none
  fi
  log "up: volume $VOL on $MNT (ping-timeout ${PING_TIMEOUT}s, image $MNT/lab.img)"
}

cmd_down() {
  nft delete table inet "$NFT_TABLE" 2>/dev/null || true
  # Nothing may stay frozen: a stopped brick would hang every step below.
  for pid in $(lab_pids); do kill -CONT "$pid" 2>/dev/null || true; done
  if mountpoint -q "$MNT" 2>/dev/null; then
    umount "$MNT" 2>/dev/null || umount -l "$MNT" || log "cannot unmount $MNT"
  fi
  if [ -d "/var/lib/glusterd/vols/$VOL" ]; then
    if ! glusterd_answers && command -v glusterd >/dev/null; then
      start_glusterd  # a dead earlier run: the volume is deleted through glusterd (ours, killed below)
    fi
    g volume stop "$VOL" force >/dev/null 2>&1 || true
    g volume delete "$VOL" >/dev/null 2>&1 || log "volume delete $VOL failed; removing its config"
  fi
  local pid
  pid="$(our_glusterd_pid)"
  if [ -n "$pid" ]; then
    kill "$pid"
    for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
    alive "$pid" && kill -9 "$pid"
  fi
  local left
  left="$(lab_pids)"
  if [ -n "$left" ]; then
    # shellcheck disable=SC2086
    kill -9 $left 2>/dev/null || true
    for _ in $(seq 1 50); do [ -z "$(lab_pids)" ] && break; sleep 0.1; done
  fi
  if [ -z "$(our_glusterd_pid)" ] && ! glusterd_answers; then
    rm -rf "/var/lib/glusterd/vols/$VOL" "$RUNDIR"  # config of a volume no glusterd knows
  fi
  mountpoint -q "$MNT" 2>/dev/null && die "$MNT still mounted"
  [ -z "$(lab_pids)" ] || die "processes left: $(lab_pids | tr '\n' ' ')"
  rm -rf "$DIR"
  log "down"
}

cmd_status() {
  local pid
  pid="$(our_glusterd_pid)"
  echo "glusterd: ${pid:-not started by the lab}$(glusterd_answers && echo ' (answers)' || echo ' (does not answer)')"
  echo "mount: $(mountpoint -q "$MNT" 2>/dev/null && echo "$MNT" || echo none)"
  echo "processes: $(lab_pids | tr '\n' ' ')"
  g volume status "$VOL" 2>&1 || true
  g volume heal "$VOL" info summary 2>&1 || true
  g volume get "$VOL" network.ping-timeout 2>&1 | tail -1 || true
}

cmd_cut() {
  local port
  port="$(brick_field "$1" port)" || die "no port for brick $1 (is the volume up?)"
  nft delete table inet "$NFT_TABLE" 2>/dev/null || true
  # Both directions, silently dropped (a partition: the client waits for ping-timeout).
  nft "table inet $NFT_TABLE {
    chain out { type filter hook output priority -10; policy accept; tcp dport $port drop; }
    chain in { type filter hook input priority -10; policy accept; tcp sport $port drop; }
  }" || die "nft failed"
  echo "dropping tcp port $port (brick $1) both ways"
}

cmd_restore() {
  nft delete table inet "$NFT_TABLE" 2>/dev/null || true
  echo "restored"
}

case "${1:-}" in
  up) shift; [ "${1:-}" = --arbiter ] && ARBITER=1; cmd_up;;
  down) cmd_down;;
  status) cmd_status;;
  brick-pid) brick_pid "${2:?brick number}";;
  brick-port) brick_field "${2:?brick number}" port;;
  cut) cmd_cut "${2:?brick number}";;
  restore) cmd_restore;;
  *) echo "usage: $0 up [--arbiter] | down | status | brick-pid N | brick-port N | cut N | restore" >&2; exit 2;;
esac
