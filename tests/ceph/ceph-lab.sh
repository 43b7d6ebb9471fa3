#!/usr/bin/env bash
# A small local Ceph lab for healbench: one monitor, one manager and three bluestore OSDs on
# sparse files, started by hand (no systemd) from one ceph.conf, bound to 127.0.0.1, no
# authentication, pool `rbd` with size 2 / min_size 1. The recipe of
# ../shared/samples/ceph/live/README.md. Used by tests/integration/ceph_test.sh, the
# benchmark tests/bench/rbd_vs_fio.sh and the scenarios in scenarios/ceph/.
#
#   tests/ceph/ceph-lab.sh up              create and start (idempotent: starts what is not
#                                          running, waits until every PG is active+clean)
#   tests/ceph/ceph-lab.sh down            stop every daemon of the lab (thawing frozen ones
#                                          first), remove the work dir
#   tests/ceph/ceph-lab.sh status          daemons, pids, RSS, `ceph status`
#   tests/ceph/ceph-lab.sh conf            path of the lab's ceph.conf (for backend.conf)
#   tests/ceph/ceph-lab.sh osd-pid N       pid of osd.N — for pid_command
#   tests/ceph/ceph-lab.sh start-osd N     start osd.N again (after a kill)
#   tests/ceph/ceph-lab.sh wait-clean [S]  wait up to S s (120) until all PGs are active+clean
#   tests/ceph/ceph-lab.sh rss             total RSS of the lab's daemons in KiB
#
# Settings (environment): HB_CEPH_DIR (/var/tmp/healbench-ceph), HB_CEPH_GRACE (5: the
# osd_heartbeat_grace; Ceph's default is 20), HB_CEPH_HB_INTERVAL (1; default 6),
# HB_CEPH_DOWN_OUT (15: mon_osd_down_out_interval; default 600), HB_CEPH_OSDS (3),
# HB_CEPH_OSD_SIZE (4G, sparse), HB_CEPH_MON_PORT (3300; msgr v1 on 6789). Needs root and the
# packages ceph-mon ceph-osd ceph-mgr ceph-common (scripts/install-deps.sh installs them).
# Every ceph CLI call runs under `timeout`: with an OSD frozen or the monitor gone some hang.
set -euo pipefail

DIR="${HB_CEPH_DIR:-/var/tmp/healbench-ceph}"
GRACE="${HB_CEPH_GRACE:-5}"
HB_INTERVAL="${HB_CEPH_HB_INTERVAL:-1}"
DOWN_OUT="${HB_CEPH_DOWN_OUT:-15}"
NOSDS="${HB_CEPH_OSDS:-3}"
OSD_SIZE="${HB_CEPH_OSD_SIZE:-4G}"
MON_PORT="${HB_CEPH_MON_PORT:-3300}"
MON_PORT_V1="${HB_CEPH_MON_PORT_V1:-6789}"
CLI_TIMEOUT="${HB_CEPH_CLI_TIMEOUT:-20}"
CONF="$DIR/ceph.conf"
MARKER="$DIR/.healbench-ceph-lab"
export CEPH_CONF="$CONF"

log() { echo "ceph-lab: $*" >&2; }
die() { log "$*"; exit 1; }

# c ARGS...: the ceph CLI on the lab, under a timeout.
c() { timeout "$CLI_TIMEOUT" ceph -c "$CONF" --connect-timeout 10 "$@"; }

pid_of() { # pid_of NAME (mon.a, mgr.x, osd.N): the pid if that daemon runs, else nothing
  local f="$DIR/run/$1.pid" pid
  [ -f "$f" ] || return 0
  pid="$(cat "$f" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
  return 0
}

write_conf() {
  local fsid="$1"
  cat >"$CONF" <<EOF
# Written by tests/ceph/ceph-lab.sh; removed by \`ceph-lab.sh down\`.
[global]
fsid = $fsid
mon_host = [v2:127.0.0.1:$MON_PORT,v1:127.0.0.1:$MON_PORT_V1]
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
run_dir = $DIR/run
pid_file = $DIR/run/\$name.pid
admin_socket = $DIR/run/\$name.asok
log_file = $DIR/log/\$name.log
crash_dir = $DIR/crash
osd_crush_chooseleaf_type = 0
osd_pool_default_size = 2
osd_pool_default_min_size = 1
osd_pool_default_pg_autoscale_mode = off
mon_osd_reporter_subtree_level = osd
mon_osd_min_down_reporters = 1
osd_heartbeat_grace = $GRACE
osd_heartbeat_interval = $HB_INTERVAL
mon_osd_down_out_interval = $DOWN_OUT
mon_allow_pool_delete = true
mon_warn_on_pool_no_redundancy = false
mon_warn_on_insecure_global_id_reclaim_allowed = false
mon_data_avail_warn = 1
mon_data_avail_crit = 0

[mon.a]
mon_data = $DIR/mon/a

[mgr]
mgr_data = $DIR/mgr/\$name

[osd]
osd_data = $DIR/osd/\$id
osd_objectstore = bluestore
bluestore_block_path = $DIR/blocks/osd.\$id
bluestore_block_create = true
bluestore_block_size = $(numfmt --from=iec "$OSD_SIZE")
osd_memory_target = 1073741824
osd_recovery_sleep_hdd = 0

[client]
admin_socket = $DIR/run/\$cluster-\$name.\$pid.asok
log_file = $DIR/log/\$name.\$pid.log
EOF
}

# spawn NAME CMD...: a daemon in the foreground (-f) of a session of its own, in the background,
# its pid in run/NAME.pid. Returns at once: an OSD may take half a minute to load its store
# on a busy machine, and healbench's restart step must not wait for that (nor may its timeout
# kill the daemon with the step's process group). Output goes to log/NAME.out.
spawn() {
  local name="$1"
  shift
  setsid "$@" -f </dev/null >>"$DIR/log/$name.out" 2>&1 &
  local pid=$! i
  echo "$pid" >"$DIR/run/$name.pid"
  # Return only once it leads its own session: a caller that ends its process group right
  # after this script returns must not take the daemon with it.
  for ((i = 0; i < 50; i++)); do
    [ "$(ps -o sid= -p "$pid" 2>/dev/null | tr -d ' ')" = "$pid" ] && return 0
    sleep 0.1
  done
  die "$name did not start (pid $pid): see $DIR/log/$name.out"
}

start_mon() {
  [ -n "$(pid_of mon.a)" ] && return 0
  spawn mon.a ceph-mon -c "$CONF" -i a
}
start_mgr() {
  [ -n "$(pid_of mgr.x)" ] && return 0
  mkdir -p "$DIR/mgr/ceph-x"
  spawn mgr.x ceph-mgr -c "$CONF" -i x
}
start_osd() {
  local id="$1"
  [ -d "$DIR/osd/$id" ] || die "osd.$id has no data in $DIR/osd/$id"
  [ -n "$(pid_of "osd.$id")" ] && return 0
  spawn "osd.$id" ceph-osd -c "$CONF" -i "$id"
}

create() {
  local fsid
  fsid="$(uuidgen)"
  mkdir -p "$DIR"/{run,log,crash,mon/a,mgr,osd,blocks}
  touch "$MARKER"
  write_conf "$fsid"
  monmaptool --create --fsid "$fsid" \
    --addv a "[v2:127.0.0.1:$MON_PORT,v1:127.0.0.1:$MON_PORT_V1]" "$DIR/monmap" >/dev/null
  ceph-authtool --create-keyring "$DIR/mon.keyring" --gen-key -n mon. --cap mon 'allow *' \
    >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/mon.keyring"
  start_mon
  start_mgr
  local i uuid id
  for ((i = 0; i < NOSDS; i++)); do
    uuid="$(uuidgen)"
    id="$(c osd new "$uuid")"
    mkdir -p "$DIR/osd/$id"
    ceph-osd -c "$CONF" -i "$id" --mkfs --osd-uuid "$uuid" >>"$DIR/log/mkfs.log" 2>&1 ||
      die "ceph-osd --mkfs of osd.$id failed: see $DIR/log/mkfs.log"
    start_osd "$id"
  done
  c osd pool create rbd 32 32 replicated >/dev/null 2>&1
  c osd pool set rbd size 2 >/dev/null 2>&1
  c osd pool set rbd min_size 1 >/dev/null 2>&1
  c osd pool application enable rbd rbd >/dev/null 2>&1
}

# Prints "up in pgs clean" from `ceph status`.
counts() {
  c status -f json 2>/dev/null | python3 -c '
import json, sys
s = json.load(sys.stdin)
o = s["osdmap"]
pg = s["pgmap"]
clean = sum(x["count"] for x in pg.get("pgs_by_state", []) if x["state_name"] == "active+clean")
print(o["num_up_osds"], o["num_in_osds"], pg["num_pgs"], clean)' 2>/dev/null || echo "0 0 0 0"
}

wait_clean() {
  local limit="${1:-120}" start=$SECONDS up in pgs clean
  while true; do
    read -r up in pgs clean < <(counts)
    if [ "$up" = "$NOSDS" ] && [ "$in" = "$NOSDS" ] && [ "$pgs" -gt 0 ] && [ "$clean" = "$pgs" ]; then
      return 0
    fi
    ((SECONDS - start < limit)) || die "not clean after ${limit}s: $up/$NOSDS OSDs up, $in in, $clean/$pgs PGs active+clean (logs: $DIR/log)"
    sleep 1
  done
}

osd_ids() { ls "$DIR/osd" 2>/dev/null | sort -n; }

up() {
  [ "$(id -u)" -eq 0 ] || die "needs root"
  for b in ceph-mon ceph-mgr ceph-osd ceph monmaptool; do
    command -v "$b" >/dev/null || die "$b missing: install ceph-mon ceph-osd ceph-mgr ceph-common"
  done
  local t0=$SECONDS
  if [ -f "$MARKER" ] && [ -d "$DIR/mon/a/store.db" ]; then
    start_mon
    start_mgr
    local id
    for id in $(osd_ids); do start_osd "$id"; done
  else
    [ -e "$DIR" ] && [ ! -f "$MARKER" ] && die "$DIR exists and is not a ceph lab: refusing to use it"
    create
  fi
  wait_clean 180
  log "up in $((SECONDS - t0)) s: $NOSDS OSDs, pool rbd size 2 min_size 1, conf $CONF, grace ${GRACE}s"
}

all_pids() {
  local f pid
  for f in "$DIR"/run/*.pid; do
    [ -f "$f" ] || continue
    pid="$(cat "$f" 2>/dev/null || true)"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
  done
  return 0
}

down() {
  [ -e "$DIR" ] || return 0
  [ -f "$MARKER" ] || die "$DIR is not a ceph lab (no $MARKER): not touching it"
  local pids pid i
  pids="$(all_pids)"
  for pid in $pids; do kill -CONT "$pid" 2>/dev/null || true; done # a frozen daemon ignores TERM
  for pid in $pids; do kill -TERM "$pid" 2>/dev/null || true; done
  for ((i = 0; i < 100; i++)); do
    [ -z "$(all_pids)" ] && break
    sleep 0.1
  done
  for pid in $(all_pids); do kill -KILL "$pid" 2>/dev/null || true; done
  for ((i = 0; i < 50; i++)); do
    [ -z "$(all_pids)" ] && break
    sleep 0.1
  done
  [ -z "$(all_pids)" ] || die "daemons still running: $(all_pids)"
  rm -rf "$DIR"
  log "down: every daemon stopped, $DIR removed"
}

rss_kib() {
  local total=0 pid kib
  for pid in $(all_pids); do
    kib="$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)"
    total=$((total + ${kib:-0}))
  done
  echo "$total"
}

status() {
  [ -f "$MARKER" ] || { echo "no lab in $DIR"; return 0; }
  local n pid
  for n in mon.a mgr.x $(osd_ids | sed 's/^/osd./'); do
    pid="$(pid_of "$n")"
    printf '%-8s %s\n' "$n" "${pid:-not running}"
  done
  echo "rss_kib $(rss_kib)"
  c status || true
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  conf) echo "$CONF" ;;
  osd-pid)
    [ -n "${2:-}" ] || die "usage: $0 osd-pid N"
    p="$(pid_of "osd.$2")"
    [ -n "$p" ] || die "osd.$2 is not running"
    echo "$p"
    ;;
  start-osd)
    [ -n "${2:-}" ] || die "usage: $0 start-osd N"
    start_osd "$2"
    ;;
  wait-clean) wait_clean "${2:-120}" ;;
  rss) rss_kib ;;
  *)
    echo "usage: $0 up|down|status|conf|osd-pid N|start-osd N|wait-clean [S]|rss" >&2
    exit 2
    ;;
esac
